/**
 * The live push over one WebSocket (`GET /api/v1/live/ws`): every hub event as a JSON text frame
 * `{ "type": ..., ...event }`, a ping per heartbeat so that a client that stopped answering is
 * dropped, and the hub subscription removed when the socket closes. The server ends a socket whose
 * credential was revoked with close code 1008 (policy violation) and the reason.
 */
import type { LiveEvent } from './hub.ts';

/** Subscribes a sender to the hub events a request may see; returns the function that unsubscribes. */
export type LiveSubscribe = (send: (e: LiveEvent) => void) => () => void;

/** The slice of a `ws` WebSocket the live push uses. */
export interface LiveSocket {
  /** 1 while open (`WebSocket.OPEN`). */
  readonly readyState: number;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Sends a text frame. */
  send(data: string): void;
  /** Sends a ping; the client answers with a pong. */
  ping(): void;
  /** Destroys the connection at once (emits `close`). */
  terminate(): void;
  /** Starts the closing handshake with a close code and reason. */
  close(code: number, reason: string): void;
  /** Listens for the client's pong, or for the end of the connection. */
  on(event: 'pong' | 'close', listener: () => void): unknown;
}

/** Options of {@link serveLiveSocket}. */
export interface LiveSocketOptions {
  /** Heartbeat interval: a client that has not answered the previous ping by the next one is dropped. */
  pingMs: number;
  /** A client this far behind in reading (bytes queued) is dropped instead of buffering without bound. */
  maxBufferedBytes?: number;
}

const OPEN = 1;
/** WebSocket close code for "policy violation" (RFC 6455), used for a revoked credential. */
export const CLOSE_POLICY = 1008;

/** A served socket: the server's side of ending it. */
export interface ServedLiveSocket {
  /** Stops delivery at once and closes the socket with `code` and `reason` (at most 123 bytes). */
  close(code: number, reason: string): void;
}

/** Serves hub events on an open socket until it closes. */
export function serveLiveSocket(
  socket: LiveSocket,
  subscribe: LiveSubscribe,
  opts: LiveSocketOptions,
): ServedLiveSocket {
  const maxBuffered = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
  let answered = true;
  let unsubscribe = subscribe((e) => {
    if (socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > maxBuffered) return socket.terminate();
    socket.send(JSON.stringify(e));
  });
  const heartbeat = setInterval(() => {
    if (!answered) return socket.terminate();
    answered = false;
    socket.ping();
  }, opts.pingMs);
  socket.on('pong', () => {
    answered = true;
  });
  const stop = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
    unsubscribe = () => undefined;
  };
  socket.on('close', stop);
  return {
    close(code, reason) {
      stop();
      if (socket.readyState === OPEN) socket.close(code, reason);
    },
  };
}
