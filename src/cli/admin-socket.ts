/**
 * The local admin socket of a running server: how `loadscope batch` (or any command that needs the
 * store) works beside `loadscope start`. DuckDB lets one process open a file for writing, and the
 * server keeps it open, so a command that finds the file held by a live server sends its command line
 * over a Unix socket next to the file and the server runs it with its own store, streaming the
 * output back. The socket is the file's owner's only (mode 0600): whoever can connect could already
 * open the DuckDB file itself.
 *
 * The protocol is JSON, one object per line: the client sends one {@link RunRequest}; the server
 * answers with a {@link Frame} `hello`, then `out`/`err` frames and one `exit` frame, and closes. A
 * client that goes away (Ctrl+C) aborts its command on the server.
 */
import { createHash } from 'node:crypto';
import { chmod, lstat, rm } from 'node:fs/promises';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../config.ts';

/** What a client asks the server to run. */
export interface RunRequest {
  type: 'run';
  /** The arguments after `loadscope`. */
  args: string[];
  /** The user's working folder: relative file arguments are resolved against it. */
  cwd: string;
  /** The user's variables that commands read (see CliContext.env). */
  env: Record<string, string>;
}

/** What the server sends back. */
export type Frame =
  | { type: 'hello'; pid: number; url: string }
  | { type: 'out' | 'err'; data: string }
  | { type: 'exit'; code: number };

/** Variables of the user's environment a command may read (and its log level), passed along with the command. */
export const FORWARDED_ENV = ['LOADSCOPE_PASSWORD', 'LOG_LEVEL'] as const;

/** Longest Unix socket path that every platform accepts (sun_path is 104 or 108 bytes). */
const MAX_SOCKET_PATH = 100;
/** Longest request line: a command line, never data. */
const MAX_REQUEST_BYTES = 1 << 20;

/**
 * The admin socket of the DuckDB file the configuration names: `<file>.sock`, or a name derived
 * from the file's path in the temp folder when that is too long for a socket. Undefined for
 * PostgreSQL (several processes share it) and for an in-memory DuckDB (no other process sees it).
 */
export function adminSocketPath(config: Config): string | undefined {
  if (config.store.kind !== 'duckdb' || config.store.duckdbPath === ':memory:') return undefined;
  const file = resolve(config.store.duckdbPath);
  const beside = `${file}.sock`;
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH) return beside;
  return join(tmpdir(), `loadscope-${createHash('sha256').update(file).digest('hex').slice(0, 24)}.sock`);
}

/** A connection to a live server's admin socket, after its `hello`. */
export interface AdminConnection {
  readonly pid: number;
  readonly url: string;
  /** Sends the command, writes its output, resolves with its exit code. */
  run(request: RunRequest, write: (stream: 'out' | 'err', data: string) => void): Promise<number>;
  close(): void;
}

/**
 * Connects to the server on `path`; undefined when no server answers there. A socket that another
 * user owns is ignored: in a shared temp folder it could be a trap that reads our command lines.
 */
export async function connectAdmin(path: string, timeoutMs = 5000): Promise<AdminConnection | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isSocket() || (process.getuid && st.uid !== process.getuid())) return undefined;
  const socket = connect(path);
  const lines = lineReader(socket);
  const hello = await new Promise<Frame | undefined>((resolveHello) => {
    const timer = setTimeout(() => resolveHello(undefined), timeoutMs);
    // No server (ENOENT, ECONNREFUSED), or one that went away: the line reader ends.
    socket.on('error', () => resolveHello(undefined));
    void lines.next().then((l) => {
      clearTimeout(timer);
      resolveHello(l === undefined ? undefined : (JSON.parse(l) as Frame));
    });
  });
  if (hello?.type !== 'hello') {
    socket.destroy();
    return undefined;
  }
  return {
    pid: hello.pid,
    url: hello.url,
    async run(request, write) {
      socket.write(`${JSON.stringify(request)}\n`);
      for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
        const f = JSON.parse(line) as Frame;
        if (f.type === 'out' || f.type === 'err') write(f.type, f.data);
        else if (f.type === 'exit') return f.code;
      }
      throw new Error('the server closed the connection before the command ended');
    },
    close: () => socket.destroy(),
  };
}

/** Runs one request for a client; resolves with the exit code. */
export type RunHandler = (
  request: RunRequest,
  send: (frame: Frame) => void,
  signal: AbortSignal,
) => Promise<number>;

/** A listening admin socket. */
export interface AdminServer {
  /** Aborts the commands running for clients, stops listening and removes the socket file. */
  close(): Promise<void>;
}

/** Listens on `path` (replacing a stale socket file) and runs each client's request with `run`. */
export async function startAdminServer(opts: {
  path: string;
  url: string;
  run: RunHandler;
  onError: (err: unknown) => void;
}): Promise<AdminServer> {
  const running = new Set<AbortController>();
  const server: Server = createServer((socket) => {
    const abort = new AbortController();
    running.add(abort);
    socket.on('close', () => {
      abort.abort();
      running.delete(abort);
    });
    socket.on('error', () => abort.abort());
    void serve(socket, abort.signal, opts).catch(opts.onError);
  });
  // A socket file left by a server that was killed; a live server would hold the DuckDB lock, which
  // this process has just taken.
  await rm(opts.path, { force: true });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.path, () => ok());
  });
  await chmod(opts.path, 0o600);
  return {
    async close() {
      for (const a of running) a.abort();
      await new Promise<void>((ok) => server.close(() => ok()));
      await rm(opts.path, { force: true });
    },
  };
}

async function serve(
  socket: Socket,
  signal: AbortSignal,
  opts: { url: string; run: RunHandler },
): Promise<void> {
  const send = (f: Frame): void => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(f)}\n`);
  };
  send({ type: 'hello', pid: process.pid, url: opts.url });
  const line = await lineReader(socket, MAX_REQUEST_BYTES).next();
  if (line === undefined) return;
  const request = parseRequest(line);
  if (typeof request === 'string') {
    send({ type: 'err', data: `loadscope: ${request}\n` });
    send({ type: 'exit', code: 64 });
  } else {
    send({ type: 'exit', code: await opts.run(request, send, signal) });
  }
  socket.end();
}

/** The request, or what is wrong with it. */
function parseRequest(line: string): RunRequest | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'admin socket: expected a JSON request';
  }
  const r = v as Partial<RunRequest>;
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (r?.type !== 'run' || !strings(r.args) || typeof r.cwd !== 'string')
    return 'admin socket: expected {type: "run", args: string[], cwd: string, env: {}}';
  const env: Record<string, string> = {};
  for (const k of FORWARDED_ENV) {
    const value = (r.env as Record<string, unknown> | undefined)?.[k];
    if (typeof value === 'string') env[k] = value;
  }
  return { type: 'run', args: r.args, cwd: r.cwd, env };
}

/** Lines of a socket, one at a time; undefined at the end. A line longer than `maxBytes` drops the socket. */
function lineReader(socket: Socket, maxBytes = Infinity): { next(): Promise<string | undefined> } {
  let buffer = '';
  let ended = false;
  let wake: (() => void) | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    buffer += d;
    if (buffer.length > maxBytes && !buffer.includes('\n')) socket.destroy();
    wake?.();
  });
  const end = (): void => {
    ended = true;
    wake?.();
  };
  socket.on('end', end);
  socket.on('close', end);
  return {
    async next() {
      for (;;) {
        const i = buffer.indexOf('\n');
        if (i >= 0) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          return line;
        }
        if (ended) return undefined;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    },
  };
}
