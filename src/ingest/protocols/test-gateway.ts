/**
 * A meter gateway for tests (a serial-to-TCP bridge such as ser2net): sends each connection its list
 * of chunks in turn, a few milliseconds apart, then closes it; and a cutter that splits bytes into
 * pieces of 1-97 bytes, as such bridges do.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** Starts a gateway on a free port of 127.0.0.1; connection n gets `connections[n]`. */
export async function testGateway(connections: Buffer[][]): Promise<{ server: Server; url: string }> {
  let n = 0;
  const server = createServer((socket: Socket) => {
    const chunks = connections[n++] ?? [];
    let i = 0;
    const next = (): void => {
      if (i >= chunks.length) return void socket.end();
      socket.write(chunks[i++]!, () => setTimeout(next, 2));
    };
    next();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return { server, url: `tcp://127.0.0.1:${addr.port}` };
}

/** Cuts bytes (or latin1 text) into pieces of 1-97 bytes, the same cuts for the same input. */
export function pieces(data: Buffer | string): Buffer[] {
  const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const out: Buffer[] = [];
  for (let i = 0, k = 1; i < b.length; k = (k * 31 + 7) % 97) {
    out.push(b.subarray(i, i + 1 + k));
    i += 1 + k;
  }
  return out;
}
