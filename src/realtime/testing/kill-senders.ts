/**
 * The clients of the kill test (src/realtime/testing/kill-run.ts): HTTP clients posting JSON batches
 * and an MQTT device publishing compact frames with QoS 1, each on its own channel with timestamps
 * that never repeat, recording what was acknowledged (202 with every reading accepted, PUBACK).
 */
import mqtt from 'mqtt';
import { batchOf } from '../../stream/batch.ts';
import { encodeCompact } from '../wire.ts';

/** Acknowledged timestamps of one channel: runs of `size` consecutive ms, with the kill run of each. */
export interface Acked {
  starts: number[];
  runs: number[];
}

/** Where and what the senders send. */
export interface SenderOptions {
  /** HTTP client channels, then the MQTT device's channel last. */
  channels: string[];
  /** Readings per request or frame. */
  size: number;
  /** First timestamp of every channel. */
  t0: number;
  httpPort: number;
  mqttPort: number;
  token: string;
}

/** The senders of one kill test and what they saw acknowledged over all runs. */
export interface Senders {
  acked: Map<string, Acked>;
  tally: { http: number; mqtt: number };
  /** Starts every sender for run `run`: until `stop()`, or one batch each when `once`. */
  stream(run: number, once: boolean): { stop(): void; done: Promise<void> };
}

/** Creates the senders. */
export function createSenders(o: SenderOptions): Senders {
  const acked = new Map<string, Acked>(o.channels.map((c) => [c, { starts: [], runs: [] }]));
  const next = new Map<string, number>(o.channels.map((c) => [c, o.t0]));
  const tally = { http: 0, mqtt: 0 };
  const take = (channel: string): number => {
    const start = next.get(channel)!;
    next.set(channel, start + o.size);
    return start;
  };
  const record = (channel: string, start: number, run: number): void => {
    const a = acked.get(channel)!;
    a.starts.push(start);
    a.runs.push(run);
  };
  const frame = (channel: string, start: number) =>
    Array.from({ length: o.size }, (_, i) => ({ channelId: channel, ts: start + i, value: (i % 97) + 1 }));

  const http = async (channel: string, run: number, once: boolean, stopped: () => boolean) => {
    while (!stopped()) {
      const start = take(channel);
      const readings = frame(channel, start).map((r) => ({ channel, ts: r.ts, value: r.value }));
      let res: Response;
      let answer: { accepted?: number };
      try {
        res = await fetch(`http://127.0.0.1:${o.httpPort}/api/v1/readings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` },
          body: JSON.stringify({ readings }),
        });
        answer = (await res.json()) as { accepted?: number };
      } catch {
        return; // the server died mid-request: this batch was never acknowledged
      }
      // Every reading is valid: anything but all accepted is a fault of the harness, not of a kill.
      if (res.status !== 202 || answer.accepted !== o.size)
        throw new Error(`HTTP ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
      record(channel, start, run);
      tally.http += o.size;
      if (once) return;
    }
  };

  const device = async (channel: string, run: number, once: boolean, stopped: () => boolean) => {
    const c = await mqtt
      .connectAsync(`mqtt://127.0.0.1:${o.mqttPort}`, {
        username: 'kill-gateway',
        password: o.token,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      })
      .catch(() => undefined);
    if (!c) return;
    c.on('error', () => undefined);
    // mqtt.js keeps a publish queued when the connection drops: end the wait on close instead.
    const closed = new Promise<never>((_, reject) => c.once('close', () => reject(new Error('closed'))));
    closed.catch(() => undefined);
    try {
      while (!stopped() && c.connected) {
        const start = take(channel);
        const payload = encodeCompact(batchOf(frame(channel, start)));
        await Promise.race([c.publishAsync('loadscope/o1/compact', payload, { qos: 1 }), closed]);
        record(channel, start, run);
        tally.mqtt += o.size;
        if (once) break;
      }
    } catch {
      // killed before PUBACK: not acknowledged
    } finally {
      c.end(true);
    }
  };

  return {
    acked,
    tally,
    stream(run, once) {
      let stop = false;
      const stopped = () => stop;
      const httpChannels = o.channels.slice(0, -1);
      const done = Promise.all([
        ...httpChannels.map((ch) => http(ch, run, once, stopped)),
        device(o.channels[o.channels.length - 1]!, run, once, stopped),
      ]).then(() => undefined);
      return { stop: () => void (stop = true), done };
    },
  };
}
