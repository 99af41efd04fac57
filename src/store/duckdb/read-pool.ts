import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { StoreError } from '../../errors.ts';

/**
 * A few connections for read-only statements. A DuckDB connection runs one statement at a time, so
 * with a single connection every dashboard query waited for the one before it; several connections
 * to the same instance run side by side. Each statement leases a connection for as long as it runs
 * and reads its result; callers queue (first come, first served) while all are busy. Reads are
 * autocommit statements, so each one sees every write that committed before it started, whichever
 * connection wrote it.
 */
export interface ReadPool {
  /** Number of connections. */
  readonly size: number;
  /** Runs `fn` with a connection to itself; rejects with StoreError once the pool is closed. */
  use<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  /** Lets leased and queued reads finish, then closes every connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Default size of the read pool. Short dashboard queries spend part of their time outside the
 * database (preparing, converting results), so a pool a little larger than two cores keeps both busy;
 * more connections only queue in Node's thread pool (4 threads), which the writes need too.
 */
export const DEFAULT_READ_CONNECTIONS = 3;

/** Opens `size` connections to `instance` as a {@link ReadPool}. */
export async function openReadPool(instance: DuckDBInstance, size: number): Promise<ReadPool> {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`a read pool needs a whole number of connections >= 1, got ${size}`);
  const all: DuckDBConnection[] = [];
  try {
    for (let i = 0; i < size; i++) all.push(await instance.connect());
  } catch (cause) {
    for (const c of all) c.closeSync();
    throw new StoreError('duckdb', `open ${size} read connections`, { cause });
  }
  const idle = [...all];
  const waiting: ((conn: DuckDBConnection) => void)[] = [];
  let leased = 0;
  let closed = false;
  let closing: Promise<void> | undefined;
  let drained: (() => void) | undefined;

  const release = (conn: DuckDBConnection) => {
    const next = waiting.shift();
    if (next) return next(conn);
    leased--;
    idle.push(conn);
    if (leased === 0) drained?.();
  };
  const acquire = (): Promise<DuckDBConnection> | DuckDBConnection => {
    const conn = idle.pop();
    if (conn) {
      leased++;
      return conn;
    }
    return new Promise((resolve) => waiting.push(resolve));
  };

  return {
    size,
    async use(fn) {
      if (closed) throw new StoreError('duckdb', 'read (the store is closed)');
      const conn = await acquire();
      try {
        return await fn(conn);
      } finally {
        release(conn);
      }
    },
    close() {
      closed = true;
      closing ??= (async () => {
        if (leased > 0) await new Promise<void>((resolve) => (drained = resolve));
        for (const c of all) c.closeSync();
      })();
      return closing;
    },
  };
}
