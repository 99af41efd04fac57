/**
 * What an API token may do: its role bounds it (viewer < analyst < admin) and its scopes narrow it to
 * the kinds of request it was made for, so that a token handed to a dashboard cannot send readings
 * and a gateway's token cannot change facilities. Sessions (people) are bound by their role only.
 */
import type { Role } from '../domain/types.ts';
import { ForbiddenError, InputError } from '../errors.ts';
import { TOKEN_SCOPES, type TokenScope } from '../store/ports/accounts.ts';

/** The scopes each role may hold; a viewer token may be a device that sends readings. */
export const SCOPES_BY_ROLE: Record<Role, readonly TokenScope[]> = {
  viewer: ['read', 'write:readings'],
  analyst: ['read', 'write', 'write:readings'],
  admin: TOKEN_SCOPES,
};

/**
 * Scopes of a token made without any: everything its role allows, except that a viewer's token only
 * reads. Tokens made before scopes existed get these too, so a viewer's token stops sending readings
 * (the defect scopes fix) while analyst and admin tokens keep working as before.
 */
export function defaultScopes(role: Role): TokenScope[] {
  return role === 'viewer' ? ['read'] : [...SCOPES_BY_ROLE[role]];
}

/** The scopes a token acts with. */
export function effectiveScopes(token: { role: Role; scopes?: readonly TokenScope[] }): TokenScope[] {
  return token.scopes ? [...token.scopes] : defaultScopes(token.role);
}

/** Checks requested scopes against a role; throws {@link InputError} naming `field`. */
export function checkScopes(role: Role, scopes: readonly string[], field = 'scopes'): TokenScope[] {
  if (scopes.length === 0) throw new InputError(`give at least one of ${TOKEN_SCOPES.join(', ')}`, { field });
  for (const s of scopes) {
    if (!(TOKEN_SCOPES as readonly string[]).includes(s))
      throw new InputError(`unknown scope '${s}': expected ${TOKEN_SCOPES.join(', ')}`, { field });
    if (!SCOPES_BY_ROLE[role].includes(s as TokenScope))
      throw new InputError(
        `a ${role} token cannot have the scope '${s}' (a ${role} may hold ${SCOPES_BY_ROLE[role].join(', ')})`,
        { field },
      );
  }
  return [...new Set(scopes as TokenScope[])];
}

/** Throws {@link ForbiddenError} unless the caller, when it is a token, holds `scope`. */
export function requireScope(
  principal: { via: 'session' | 'token'; scopes?: readonly TokenScope[] },
  scope: TokenScope,
  what: string,
): void {
  if (principal.via !== 'token' || principal.scopes?.includes(scope)) return;
  throw new ForbiddenError(
    `this token may not ${what}: it lacks the '${scope}' scope (it has ${principal.scopes?.join(', ') || 'none'}); ` +
      'an administrator can create a token with it (docs/api.md, "Token scopes")',
  );
}
