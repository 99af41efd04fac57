/**
 * Credential revocations as events. A credential (API token, session) is checked when a request or
 * connection starts; a connection that stays open (MQTT, SSE, WebSocket) and a cache of verified
 * credentials both outlive that check. Every change that can end a credential is announced here, by
 * the store that made it, so that each process holding such a connection or cache can act on it at
 * once: in-process for DuckDB (one process owns the file), through PostgreSQL NOTIFY for the
 * scale-out column (every process sharing the database hears it, the CLI's changes included).
 */

/** Something that may end credentials. */
export type Revocation =
  /** An API token was deleted (revoked). */
  | { type: 'token-revoked'; tokenId: string }
  /** A session was deleted (logout). */
  | { type: 'session-ended'; sessionId: string }
  /**
   * A user changed in a way that may end their sessions: password changed, disabled, deleted, role
   * changed. Listeners re-check that user's credentials rather than trusting the reason.
   */
  | { type: 'user-changed'; userId: string }
  /**
   * A registered device's token was rotated or revoked, or its facility or meters changed: caches
   * forget it, and its connections are checked again (src/store/ports/devices.ts).
   */
  | { type: 'device-changed'; deviceId: string }
  /** Announcements may have been missed (the listener reconnected): re-check every credential. */
  | { type: 'resync' };

/** Type names of {@link Revocation}. */
export const REVOCATION_TYPES = [
  'token-revoked',
  'session-ended',
  'user-changed',
  'device-changed',
  'resync',
] as const;

/** Announces and delivers {@link Revocation}s. */
export interface RevocationRepo {
  /**
   * Tells every listener, in this process synchronously (before the promise resolves) and in other
   * processes on the same database as soon as the database delivers it.
   */
  announce(revocation: Revocation): Promise<void>;
  /** Calls `handler` for every revocation from now on; returns the function that stops it. */
  watch(handler: (revocation: Revocation) => void): () => void;
  /** Resolves once revocations from other processes are being received (at once where there are none). */
  ready(): Promise<void>;
}

/**
 * What a revocation can end, as held by an open connection: the API token it was opened with, or the
 * session and its user. Devices of a token file have none of them (nothing to revoke at run time).
 */
export interface CredentialRef {
  tokenId?: string;
  sessionId?: string;
  userId?: string;
}

/** What the store says about a credential now: not valid, or valid until `expiresAt` (null: no end). */
export type CredentialState = { valid: false } | { valid: true; expiresAt: number | null };
