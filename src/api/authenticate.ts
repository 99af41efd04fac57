/**
 * Turns a session cookie or a bearer token into a {@link Principal}. Also the `DeviceAuth` verifier
 * the real-time layer uses for MQTT and HTTP ingest (same API tokens).
 */
import type { TokenScope } from '../store/ports/accounts.ts';
import type { CredentialRef, CredentialState } from '../store/ports/revocations.ts';
import type { Store } from '../store/store.ts';
import type { Principal } from './principal.ts';
import { effectiveScopes } from './scopes.ts';
import { parseToken, sameHash, sha256 } from './secrets.ts';
import { createTtlCache } from './ttl-cache.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'ls_session';

/** Verifies device/script tokens: `verify(token)` gives the token's organisation and id, or undefined. */
export interface DeviceAuth {
  verify(
    token: string,
  ): Promise<{ orgId: string; tokenId: string; scopes?: readonly TokenScope[] } | undefined>;
}

/** Resolves callers from credentials. */
export interface Authenticator extends DeviceAuth {
  /** The principal of a session cookie value, or undefined when unknown, expired or its user is disabled. */
  fromSession(cookie: string): Promise<Principal | undefined>;
  /** The principal of a bearer token, or undefined when unknown, expired or wrong. */
  fromToken(token: string): Promise<Principal | undefined>;
  /** Forgets cached credentials; call after logout, revocation, role or password changes. */
  invalidate(): void;
  /**
   * Whether the credential an open connection holds still works, and until when, asked of the store
   * (never the cache): the token exists and has not expired, or the session exists, has not expired
   * and its user is enabled. A connection opened with neither (a token file's device) is valid.
   */
  credentialState(credential: CredentialRef): Promise<CredentialState>;
}

/**
 * Builds an {@link Authenticator} over the store's accounts. Answers are cached for `cacheTtlMs`
 * (default 2 s) so that a busy dashboard does not look its credentials up on every request. The
 * cache is cleared on every revocation the store announces (`store.revocations`: at once in this
 * process, within milliseconds from other processes on PostgreSQL), so a revoked token or ended
 * session is refused on the next request; the TTL only bounds changes nobody announced.
 */
export function createAuthenticator(deps: {
  store: Store;
  now?: () => number;
  cacheTtlMs?: number;
}): Authenticator {
  const now = deps.now ?? Date.now;
  const accounts = deps.store.accounts;
  const cache = createTtlCache<Principal | undefined>({ ttlMs: deps.cacheTtlMs ?? 2000, max: 10_000 });
  // Any revocation clears every cached answer: revocations are rare, and a cleared cache costs one
  // lookup per credential in use. The store's listener set lives as long as the store.
  deps.store.revocations.watch(() => cache.clear());
  // Recording every token use would write on every device request; once a minute is plenty.
  const lastTouch = new Map<string, number>();
  const loadToken = async (token: string): Promise<Principal | undefined> => {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    const row = await accounts.getToken(parsed.tokenId);
    if (!row || !sameHash(row.hash, sha256(parsed.secret))) return undefined;
    const t = now();
    if (row.expiresAt !== null && row.expiresAt <= t) return undefined;
    if ((lastTouch.get(row.id) ?? 0) < t - 60_000) {
      lastTouch.set(row.id, t);
      await accounts.touchToken(row.id, t);
    }
    return { orgId: row.orgId, role: row.role, tokenId: row.id, via: 'token', scopes: effectiveScopes(row) };
  };
  const fromToken = (token: string) => cache.get(`t:${token}`, () => loadToken(token));
  const loadSession = async (cookie: string): Promise<Principal | undefined> => {
    const id = sha256(cookie);
    const session = await accounts.getSession(id);
    if (!session || session.expiresAt <= now()) return undefined;
    const user = await accounts.getUser(session.userId);
    if (!user || user.disabled) return undefined;
    return { userId: user.id, orgId: user.orgId, role: user.role, via: 'session', sessionId: id };
  };
  return {
    async fromSession(cookie) {
      if (!cookie) return undefined;
      return cache.get(`s:${cookie}`, () => loadSession(cookie));
    },
    fromToken,
    invalidate: () => cache.clear(),
    async verify(token) {
      const p = await fromToken(token);
      return p?.tokenId ? { orgId: p.orgId, tokenId: p.tokenId, scopes: p.scopes ?? [] } : undefined;
    },
    async credentialState(credential) {
      const t = now();
      if (credential.tokenId) {
        const row = await accounts.getToken(credential.tokenId);
        if (!row || (row.expiresAt !== null && row.expiresAt <= t)) return { valid: false };
        return { valid: true, expiresAt: row.expiresAt };
      }
      if (credential.sessionId) {
        const session = await accounts.getSession(credential.sessionId);
        if (!session || session.expiresAt <= t) return { valid: false };
        const user = await accounts.getUser(session.userId);
        if (!user || user.disabled) return { valid: false };
        return { valid: true, expiresAt: session.expiresAt };
      }
      return { valid: true, expiresAt: null };
    },
  };
}
