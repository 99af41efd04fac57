/**
 * The open connections of this process (MQTT clients, SSE and WebSocket streams) by the credential
 * each was opened with, so that a revocation closes what the credential opened: checking the
 * credential when the connection starts is not enough, because the connection outlives the check.
 * Fed by `store.revocations` (src/store/ports/revocations.ts), which hears this process's changes at
 * once and other processes' through the store. A connection also ends when its credential expires.
 */
import type { CredentialRef, CredentialState, Revocation } from '../store/ports/revocations.ts';

/** The credential of a connection: an API token, a session, or a token file entry. */
export interface ConnectionCredential extends CredentialRef {
  /**
   * `deviceKey` of the registered device (src/devices/auth.ts): a digest of its token, facility and
   * meters, so that changing any of them ends the connection.
   */
  deviceKey?: string;
  /** Id of the registered device (src/store/ports/devices.ts) whose token opened it. */
  deviceId?: string;
}

/** What closes connections: a revocation announced by the store. */
export type ConnectionRevocation = Revocation;

/** A connection opened with a credential. */
export interface TrackedConnection {
  credential: ConnectionCredential;
  /** Ends the connection; `reason` says why, for the client. Called at most once. */
  close(reason: string): void;
}

/** Dependencies of {@link createConnectionRegistry}. */
export interface ConnectionRegistryDeps {
  /** Asks the store (not a cache) whether a credential still works (`Authenticator.credentialState`). */
  check(credential: ConnectionCredential): Promise<CredentialState>;
  /** Where a failed check is reported; the connection is then kept (the check is retried on the next event). */
  onError?: (err: unknown) => void;
  /** Clock (UTC ms) the expiry times are compared with. */
  now?: () => number;
}

/** Open connections by credential. */
export interface ConnectionRegistry {
  /**
   * Tracks a connection until the returned function is called (call it when the connection ends).
   * The credential is checked once more against the store right after it is tracked, so a
   * revocation that raced the opening (announced between the first check and now) still closes it.
   * A connection without a token, session or token file entry is not tracked.
   */
  track(connection: TrackedConnection): () => void;
  /** Closes the connections a revocation ends; a changed user's connections are checked first. */
  revoke(revocation: ConnectionRevocation): void;
  /** Connections tracked now. */
  size(): number;
}

interface Entry {
  connection: TrackedConnection;
  closed: boolean;
  /** Closes the connection when its credential expires. */
  expiry?: NodeJS.Timeout;
}

/** Most stores answer a burst of checks (a resync) well with this many in flight. */
const CHECKS_IN_FLIGHT = 16;
/** Longest timer Node keeps (about 24.8 days); a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Creates an empty {@link ConnectionRegistry}. */
export function createConnectionRegistry(deps: ConnectionRegistryDeps): ConnectionRegistry {
  const onError = deps.onError ?? (() => undefined);
  const now = deps.now ?? Date.now;
  const byToken = new Map<string, Set<Entry>>();
  const bySession = new Map<string, Set<Entry>>();
  const byUser = new Map<string, Set<Entry>>();
  const byDeviceId = new Map<string, Set<Entry>>();
  const all = new Set<Entry>();

  const index = (map: Map<string, Set<Entry>>, key: string | undefined, e: Entry, add: boolean): void => {
    if (key === undefined) return;
    const set = map.get(key);
    if (add) map.set(key, (set ?? new Set()).add(e));
    else if (set?.delete(e) && set.size === 0) map.delete(key);
  };
  const untrack = (e: Entry): void => {
    clearTimeout(e.expiry);
    if (!all.delete(e)) return;
    const c = e.connection.credential;
    index(byToken, c.tokenId, e, false);
    index(bySession, c.sessionId, e, false);
    index(byUser, c.userId, e, false);
    index(byDeviceId, c.deviceId, e, false);
  };
  const close = (e: Entry, reason: string): void => {
    if (e.closed) return;
    e.closed = true;
    untrack(e);
    try {
      e.connection.close(reason);
    } catch (err) {
      onError(err);
    }
  };
  const check = async (e: Entry): Promise<void> => {
    if (e.closed) return;
    let state: CredentialState;
    try {
      state = await deps.check(e.connection.credential);
    } catch (err) {
      return onError(err);
    }
    if (!state.valid) return close(e, 'credential no longer valid');
    clearTimeout(e.expiry);
    if (state.expiresAt === null || e.closed) return;
    const inMs = state.expiresAt - now();
    e.expiry = setTimeout(
      () => (inMs > MAX_TIMER_MS ? void check(e) : close(e, 'credential expired')),
      Math.max(0, Math.min(inMs, MAX_TIMER_MS)),
    );
    // An expiry timer alone must not keep the process alive.
    e.expiry.unref();
  };
  const checkAll = async (entries: Entry[]): Promise<void> => {
    for (let i = 0; i < entries.length; i += CHECKS_IN_FLIGHT)
      await Promise.all(entries.slice(i, i + CHECKS_IN_FLIGHT).map(check));
  };

  return {
    track(connection) {
      const c = connection.credential;
      if (c.tokenId === undefined && c.sessionId === undefined && c.deviceId === undefined)
        return () => undefined;
      const e: Entry = { connection, closed: false };
      all.add(e);
      index(byToken, c.tokenId, e, true);
      index(bySession, c.sessionId, e, true);
      index(byUser, c.userId, e, true);
      index(byDeviceId, c.deviceId, e, true);
      void check(e);
      return () => untrack(e);
    },
    revoke(r) {
      if (r.type === 'token-revoked')
        for (const e of [...(byToken.get(r.tokenId) ?? [])]) close(e, 'API token revoked');
      else if (r.type === 'session-ended')
        for (const e of [...(bySession.get(r.sessionId) ?? [])]) close(e, 'session ended');
      else if (r.type === 'user-changed') void checkAll([...(byUser.get(r.userId) ?? [])]);
      else if (r.type === 'device-changed') void checkAll([...(byDeviceId.get(r.deviceId) ?? [])]);
      else void checkAll([...all]);
    },
    size: () => all.size,
  };
}
