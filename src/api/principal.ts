/**
 * Who is calling: set on every request by the authentication hook of the server, from a session
 * cookie (people) or an `Authorization: Bearer` API token (devices and scripts).
 */
import type { preHandlerAsyncHookHandler } from 'fastify';
import { type Role } from '../domain/types.ts';
import { ForbiddenError, UnauthenticatedError } from '../errors.ts';
import type { TokenScope } from '../store/ports/accounts.ts';
import { requireScope } from './scopes.ts';

/** The authenticated caller. */
export interface Principal {
  /** Set for people (session cookie); absent for API tokens. */
  userId?: string;
  /** The organisation the caller acts for; every query is filtered by it (plus shares). */
  orgId: string;
  /** The caller's role (a token's own role for API tokens). */
  role: Role;
  /** Set when the caller used an API token. */
  tokenId?: string;
  /** How the caller authenticated; CSRF protection applies to `session` only. */
  via: 'session' | 'token';
  /** Session id (hash of the cookie), for logout. */
  sessionId?: string;
  /** What a token may do within its role (src/api/scopes.ts); absent for sessions. */
  scopes?: readonly TokenScope[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, or null for anonymous requests (see {@link requirePrincipal}). */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Routes under /api that anonymous callers may use (login, health). Every other /api route needs a principal. */
    public?: boolean;
    /** A POST that only reads (Grafana's protocol): a token needs the `read` scope, not `write`. */
    reads?: boolean;
    /** Any valid token may call it, whatever its scopes (`GET /auth/me`). */
    anyScope?: boolean;
  }
}

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

/** True when `role` is at least `min` (admin > analyst > viewer). */
export function roleAtLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

/** The request's principal; throws {@link UnauthenticatedError} for anonymous requests. */
export function requirePrincipal(request: { principal: Principal | null }): Principal {
  if (!request.principal) throw new UnauthenticatedError();
  return request.principal;
}

/**
 * A preHandler that lets the request through only for callers with at least `min` role:
 * `app.post('/x', { preHandler: requireRole('analyst') }, handler)`.
 */
export function requireRole(min: Role): preHandlerAsyncHookHandler {
  return async (request) => {
    const p = requirePrincipal(request);
    if (!roleAtLeast(p.role, min)) throw new ForbiddenError(`this needs the ${min} role; you are ${p.role}`);
    if (min === 'admin') requireScope(p, 'admin', 'manage users, tokens or shares');
  };
}
