/**
 * Account operations shared by the REST routes and the CLI: creating users (argon2 hashes), API
 * tokens (shown once, hashed at rest), sessions, and the first administrator on first start.
 */
import type { Role } from '../../domain/types.ts';
import { InputError } from '../../errors.ts';
import type { ApiToken, User } from '../../store/ports/accounts.ts';
import type { Store } from '../../store/store.ts';
import { checkScopes, defaultScopes } from '../scopes.ts';
import { formatToken, hashPassword, randomId, randomSecret, sha256 } from '../secrets.ts';

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;

/** What creating a user needs. */
export interface NewUser {
  orgId: string;
  email: string;
  name?: string;
  role: Role;
  password: string;
}

/** Creates a user with an argon2id hash; throws InputError for a short password, ConflictError for a taken login. */
export async function createUser(deps: { store: Store; now: () => number }, input: NewUser): Promise<User> {
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new InputError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`, {
      field: 'password',
    });
  }
  const email = input.email.trim().toLowerCase();
  const user: User = {
    id: randomId('usr'),
    orgId: input.orgId,
    email,
    name: input.name?.trim() || email,
    role: input.role,
    createdAt: deps.now(),
    disabled: false,
  };
  await deps.store.accounts.createUser({ ...user, passwordHash: await hashPassword(input.password) });
  return user;
}

/** Creates an API token; the returned `token` is the only time the secret is visible. */
export async function createApiToken(
  deps: { store: Store; now: () => number },
  input: {
    orgId: string;
    name: string;
    role: Role;
    createdBy: string | null;
    expiresAt?: number | null;
    /** Default: the role's default scopes (a viewer's token only reads). */
    scopes?: readonly string[];
  },
): Promise<{ token: string; row: Omit<ApiToken, 'hash'> }> {
  const scopes = input.scopes ? checkScopes(input.role, input.scopes) : defaultScopes(input.role);
  const secret = randomSecret();
  const row: ApiToken = {
    id: randomId('tok'),
    orgId: input.orgId,
    name: input.name,
    role: input.role,
    hash: sha256(secret),
    createdBy: input.createdBy,
    createdAt: deps.now(),
    expiresAt: input.expiresAt ?? null,
    lastUsedAt: null,
    scopes,
  };
  await deps.store.accounts.createToken(row);
  const { hash: _, ...visible } = row;
  return { token: formatToken(row.id, secret), row: visible };
}

/** Starts a session for a user; returns the cookie value (the store keeps its hash only). */
export async function startSession(
  deps: { store: Store; now: () => number },
  userId: string,
  ttlMs: number,
): Promise<string> {
  const cookie = randomSecret();
  const now = deps.now();
  await deps.store.accounts.deleteExpiredSessions(now);
  await deps.store.accounts.createSession({
    id: sha256(cookie),
    userId,
    createdAt: now,
    expiresAt: now + ttlMs,
  });
  return cookie;
}

/** Organisation the first administrator is created in when none is named. */
export const DEFAULT_ORG = { id: 'default', name: 'Default organisation' } as const;

/**
 * On first start (no user at all) creates an administrator `admin` with a random password, in the
 * given organisation (created if missing). Returns the credentials to print once, or undefined.
 */
export async function ensureFirstAdmin(
  deps: { store: Store; now: () => number },
  org: { id: string; name: string } = DEFAULT_ORG,
): Promise<{ email: string; password: string; orgId: string } | undefined> {
  if ((await deps.store.accounts.countUsers()) > 0) return undefined;
  if (!(await deps.store.catalog.getOrganisation(org.id))) {
    await deps.store.catalog.upsertOrganisations([{ id: org.id, name: org.name, createdAt: deps.now() }]);
  }
  const password = randomSecret(15);
  const user = await createUser(deps, {
    orgId: org.id,
    email: 'admin',
    name: 'Administrator',
    role: 'admin',
    password,
  });
  return { email: user.email, password, orgId: org.id };
}
