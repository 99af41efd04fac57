/**
 * The parts of revocation every store adapter shares: the in-process listeners (all of it on DuckDB,
 * whose file one process owns), and the account and device repository wrappers that announce every
 * change that can end a credential. Wrapping the repositories (rather than each route) means the CLI,
 * the API and any future caller announce alike. PostgreSQL adds its LISTEN/NOTIFY connection
 * (`postgres/revocations.ts`) so that the other processes on the database hear them too.
 */
import type { AccountRepo } from './ports/accounts.ts';
import type { DeviceRepo } from './ports/devices.ts';
import type { Revocation, RevocationRepo } from './ports/revocations.ts';

/** Listeners of one process: `emit` calls each in turn; one that throws does not stop the others. */
export interface LocalRevocations {
  emit(revocation: Revocation): void;
  watch(handler: (revocation: Revocation) => void): () => void;
}

/** Creates the in-process listener set; `onError` receives what a listener threw. */
export function createLocalRevocations(onError: (err: unknown) => void = () => undefined): LocalRevocations {
  const handlers = new Set<(revocation: Revocation) => void>();
  return {
    emit(revocation) {
      for (const h of [...handlers]) {
        try {
          h(revocation);
        } catch (err) {
          onError(err);
        }
      }
    },
    watch(handler) {
      // A wrapper per call, so that the same function watched twice is also removed one at a time.
      const h = (r: Revocation): void => handler(r);
      handlers.add(h);
      return () => void handlers.delete(h);
    },
  };
}

/**
 * Revocations within one process: announcing is calling this process's listeners, synchronously, before
 * the change's promise resolves. The DuckDB store's, since one process owns a DuckDB file.
 */
export function createInProcessRevocationRepo(onError?: (err: unknown) => void): RevocationRepo {
  const local = createLocalRevocations(onError);
  return {
    announce: async (revocation) => local.emit(revocation),
    watch: (handler) => local.watch(handler),
    ready: async () => undefined,
  };
}

/**
 * Wraps an {@link AccountRepo} so that deleting a token or session, and changing a user's password,
 * role or disabled flag or deleting the user, is announced after the change is stored.
 */
export function announcingAccountRepo(
  repo: AccountRepo,
  announce: (revocation: Revocation) => Promise<void>,
): AccountRepo {
  return {
    ...repo,
    async deleteToken(id) {
      await repo.deleteToken(id);
      await announce({ type: 'token-revoked', tokenId: id });
    },
    async deleteSession(id) {
      await repo.deleteSession(id);
      await announce({ type: 'session-ended', sessionId: id });
    },
    async updateUser(id, patch) {
      await repo.updateUser(id, patch);
      if (patch.passwordHash !== undefined || patch.disabled !== undefined || patch.role !== undefined)
        await announce({ type: 'user-changed', userId: id });
    },
    async deleteUser(id) {
      await repo.deleteUser(id);
      await announce({ type: 'user-changed', userId: id });
    },
  };
}

/**
 * Wraps a {@link DeviceRepo} so that a change that can end a device's connections (its token, its
 * revocation, its facility or meters) is announced after it is stored: the caches of verified tokens
 * and the open MQTT connections of every process then act on it.
 */
export function announcingDeviceRepo(
  repo: DeviceRepo,
  announce: (revocation: Revocation) => Promise<void>,
): DeviceRepo {
  return {
    ...repo,
    async update(id, patch) {
      await repo.update(id, patch);
      const { name: _name, ...rest } = patch;
      if (Object.values(rest).some((v) => v !== undefined))
        await announce({ type: 'device-changed', deviceId: id });
    },
  };
}
