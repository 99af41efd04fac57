/**
 * Revocations on DuckDB: one process owns the database file, so announcing is calling this process's
 * listeners, synchronously, before the change's promise resolves.
 */
import type { RevocationRepo } from '../ports/revocations.ts';
import { createLocalRevocations } from '../revocations.ts';

/** The duckdb implementation of {@link RevocationRepo}. */
export function createRevocationRepo(onError?: (err: unknown) => void): RevocationRepo {
  const local = createLocalRevocations(onError);
  return {
    announce: async (revocation) => local.emit(revocation),
    watch: (handler) => local.watch(handler),
    ready: async () => undefined,
  };
}
