/**
 * The parts of revocation every store adapter shares: the in-process listeners, and the account
 * repository wrapper that announces every change that can end a credential. Wrapping the repository
 * (rather than each route) means the CLI, the API and any future caller announce alike.
 */
import type { AccountRepo } from './ports/accounts.ts';
import type { Revocation } from './ports/revocations.ts';

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
