/**
 * Client connections for revocation tests, each as a browser or device opens it (fetch for SSE, `ws`,
 * mqtt.js), with the moment it was closed by the server: `closed` resolves with that time.
 */
import mqtt from 'mqtt';
import pg from 'pg';
import WebSocket from 'ws';
import { readSseEvents } from './sse-events.ts';

/** One open client connection. */
export interface LiveConnection {
  kind: 'sse' | 'ws' | 'mqtt';
  /** Resolves with `Date.now()` when the connection ended. */
  closed: Promise<number>;
  isOpen(): boolean;
  /** SSE event types received. */
  events: string[];
  /** WebSocket close code. */
  closeCode?: number;
  /** Ends it from the client side. */
  close(): void;
}

/** Credentials of a request: an API token or a session cookie header. */
export interface ClientAuth {
  bearer?: string;
  cookie?: string;
}

const headersOf = (auth: ClientAuth): Record<string, string> => ({
  ...(auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {}),
  ...(auth.cookie ? { cookie: auth.cookie } : {}),
});

/** Opens `GET /api/v1/live` (Server-Sent Events); resolves once the server answered 200. */
export async function openSse(httpUrl: string, auth: ClientAuth): Promise<LiveConnection> {
  const abort = new AbortController();
  const res = await fetch(`${httpUrl}/api/v1/live`, { headers: headersOf(auth), signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`SSE answered ${res.status}: ${await res.text()}`);
  let open = true;
  const c: LiveConnection = {
    kind: 'sse',
    events: [],
    closed: readSseEvents(res.body, (type) => c.events.push(type)).then(() => {
      open = false;
      return Date.now();
    }),
    isOpen: () => open,
    close: () => abort.abort(),
  };
  return c;
}

/** Opens the live WebSocket; resolves once it is open. */
export async function openWs(httpUrl: string, auth: ClientAuth): Promise<LiveConnection> {
  const socket = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/api/v1/live/ws`, {
    headers: headersOf(auth),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const c: LiveConnection = {
    kind: 'ws',
    events: [],
    closed: new Promise((resolve) =>
      socket.once('close', (code) => {
        c.closeCode = code;
        resolve(Date.now());
      }),
    ),
    isOpen: () => socket.readyState === WebSocket.OPEN,
    close: () => socket.terminate(),
  };
  return c;
}

/** Connects a device with an API token as its MQTT password (no reconnecting). */
export async function openMqtt(mqttUrl: string, token: string): Promise<LiveConnection> {
  const client = await mqtt.connectAsync(mqttUrl, {
    username: 'device',
    password: token,
    reconnectPeriod: 0,
    connectTimeout: 3000,
  });
  return {
    kind: 'mqtt',
    events: [],
    closed: new Promise((resolve) => client.once('close', () => resolve(Date.now()))),
    isOpen: () => client.connected,
    close: () => void client.end(true),
  };
}

/** Posts one reading (of a channel nobody has) with a token; the HTTP status (401: token refused). */
export async function postReading(httpUrl: string, token: string): Promise<number> {
  const res = await fetch(`${httpUrl}/api/v1/readings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ readings: [{ channel: 'no-such-channel', ts: Date.now(), value: 1 }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Drops a PostgreSQL test schema. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
}
