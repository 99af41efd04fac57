/**
 * Revocations on PostgreSQL: `pg_notify` on a channel per schema, and one dedicated connection per
 * store that LISTENs on it, opened on the first `watch`/`ready`. Every process sharing the database
 * (API servers, ingest front ends, the CLI) hears a change within milliseconds. Listeners of the
 * announcing process are called synchronously as well, and its own notifications are skipped, so
 * that a change is acted on in this process before the request that made it is answered.
 * When the listening connection breaks, it reconnects (0.2 s, doubling to 5 s) and then delivers a
 * `resync`, because notifications sent while it was away are lost.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { REVOCATION_TYPES, type Revocation, type RevocationRepo } from '../ports/revocations.ts';
import { createLocalRevocations } from '../revocations.ts';
import type { PgContext } from './connection.ts';

/** A {@link RevocationRepo} with a listening connection to close. */
export interface PgRevocationRepo extends RevocationRepo {
  close(): Promise<void>;
}

/** The postgres implementation of {@link RevocationRepo}; `url` is the store's connection string. */
export function createRevocationRepo(
  ctx: PgContext,
  url: string,
  onError: (err: unknown) => void = () => undefined,
): PgRevocationRepo {
  const channel = `loadscope_revocations_${ctx.schema}`;
  const origin = randomUUID();
  const local = createLocalRevocations(onError);
  let client: pg.Client | undefined;
  let listening: Promise<void> | undefined;
  let retryMs = 200;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const onNotification = (msg: pg.Notification): void => {
    if (msg.channel !== channel || !msg.payload) return;
    const r = parsePayload(msg.payload);
    if (!r) return onError(new Error(`malformed revocation notice on ${channel}: ${msg.payload}`));
    if (r.origin !== origin) local.emit(r.revocation);
  };
  const reconnectLater = (): void => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      listening = listen(true).catch((err: unknown) => {
        onError(err);
        retryMs = Math.min(5000, retryMs * 2);
        reconnectLater();
      });
    }, retryMs);
  };
  const listen = async (again: boolean): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', onNotification);
    const lost = (err?: unknown): void => {
      if (err !== undefined) onError(err);
      if (client !== c) return;
      client = undefined;
      c.end().catch(() => undefined);
      reconnectLater();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    await c.connect();
    try {
      await c.query(`LISTEN "${channel}"`);
    } catch (err) {
      await c.end().catch(() => undefined);
      throw err;
    }
    if (closed) return void (await c.end());
    client = c;
    retryMs = 200;
    if (again) local.emit({ type: 'resync' });
  };
  const ready = (): Promise<void> => (listening ??= listen(false));

  return {
    async announce(revocation) {
      local.emit(revocation);
      await ctx.pool.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ origin, revocation })]);
    },
    watch(handler) {
      const stop = local.watch(handler);
      ready().catch((err: unknown) => {
        onError(err);
        reconnectLater();
      });
      return stop;
    },
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}

function parsePayload(payload: string): { origin: string; revocation: Revocation } | undefined {
  try {
    const p = JSON.parse(payload) as { origin?: unknown; revocation?: { type?: unknown } };
    const type = p.revocation?.type;
    if (typeof p.origin !== 'string' || !REVOCATION_TYPES.includes(type as Revocation['type']))
      return undefined;
    return { origin: p.origin, revocation: p.revocation as Revocation };
  } catch {
    return undefined;
  }
}
