/**
 * A P1 gateway on the network: most DSMR readers (ser2net, the HomeWizard and SLIMMELEZER gateways,
 * ESPHome's `stream_server`) pass the meter's serial output through a TCP port unchanged. This source
 * connects to `tcp://host:port`, hands the bytes on as they come, and reconnects after a drop with a
 * growing pause (1 s doubling to 30 s), so an import can follow a meter for months. A line break is
 * inserted after a drop, so a telegram cut by it is reported as truncated and the next one is read
 * whole.
 */
import { connect, type Socket } from 'node:net';
import { InputError } from '../../errors.ts';
import type { ByteSource } from '../source.ts';

/** Options of {@link openTcpSource}. */
export interface TcpSourceOptions {
  signal?: AbortSignal;
  /** Reconnect after the gateway closes the connection (default true); false ends the input instead. */
  reconnect?: boolean;
  /** Called on each connection change, for logs and status. */
  onStatus?: (status: 'connected' | 'disconnected', detail: string) => void;
  /** First pause before reconnecting, ms (default 1000); doubles up to 30 s. */
  retryMs?: number;
}

/** Parses `tcp://host:port`; throws InputError naming what is wrong. */
export function parseTcpUrl(url: string): { host: string; port: number } {
  const m = /^tcp:\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/.exec(url);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new InputError(`expected a gateway address tcp://host:port (port 1-65535), got '${url}'`, {
      file: url,
    });
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** True when `path` names a network source rather than a file. */
export function isTcpUrl(path: string): boolean {
  return path.startsWith('tcp://');
}

/** Opens a P1 gateway as a {@link ByteSource}. */
export function openTcpSource(url: string, opts: TcpSourceOptions = {}): ByteSource {
  const { host, port } = parseTcpUrl(url);
  const reconnect = opts.reconnect ?? true;
  let read = 0;
  let failure: string | null = null;
  return {
    path: url,
    size: 0,
    gzip: false,
    bytesRead: () => read,
    error: () => failure,
    async *chunks() {
      let pause = opts.retryMs ?? 1000;
      let first = true;
      while (!opts.signal?.aborted) {
        const queue: Buffer[] = [];
        let wake: (() => void) | null = null;
        let closed = false;
        let why = '';
        const socket: Socket = connect({ host, port });
        const poke = (): void => {
          wake?.();
          wake = null;
        };
        socket.on('connect', () => {
          pause = opts.retryMs ?? 1000;
          opts.onStatus?.('connected', `${host}:${port}`);
        });
        socket.on('data', (c: Buffer) => {
          read += c.length;
          queue.push(c);
          poke();
        });
        socket.on('error', (e) => {
          why = e.message;
        });
        socket.on('close', () => {
          closed = true;
          poke();
        });
        const abort = (): void => {
          socket.destroy();
        };
        opts.signal?.addEventListener('abort', abort, { once: true });
        if (!first) yield Buffer.from('\n');
        first = false;
        try {
          for (;;) {
            while (queue.length) yield queue.shift()!;
            if (closed) break;
            await new Promise<void>((r) => (wake = r));
          }
        } finally {
          opts.signal?.removeEventListener('abort', abort);
          socket.destroy();
        }
        opts.onStatus?.('disconnected', why || 'the gateway closed the connection');
        if (!reconnect || opts.signal?.aborted) {
          if (why && read === 0)
            throw new InputError(`cannot read from the P1 gateway ${host}:${port}: ${why}`, { file: url });
          if (why) failure = `the connection to the P1 gateway ${host}:${port} failed: ${why}`;
          return;
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, pause);
          opts.signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
        });
        pause = Math.min(pause * 2, 30_000);
      }
    },
  };
}
