import type { Role } from '../../domain/types.ts';

/** A person who logs in. A user belongs to one organisation and holds one role in it. */
export interface User {
  id: string;
  orgId: string;
  /** Login name: an e-mail address or a short handle, unique across the installation (lower case). */
  email: string;
  name: string;
  role: Role;
  createdAt: number;
  /** A disabled user cannot log in and their sessions and tokens stop working. */
  disabled: boolean;
}

/** A user with their argon2 password hash; only the login path reads it. */
export interface UserWithHash extends User {
  passwordHash: string;
}

/** A server-side session. The cookie holds a random secret; only its SHA-256 (`id`) is stored. */
export interface Session {
  /** SHA-256 of the cookie value, hex. */
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

/** An API token for devices and scripts, scoped to one organisation. Only its hash is stored. */
export interface ApiToken {
  id: string;
  orgId: string;
  name: string;
  /** What the token may do; never more than its creator's role. */
  role: Role;
  /**
   * Kinds of request the token may make within its role (see `src/api/scopes.ts`); absent for tokens made
   * before scopes existed, which get their role's default scopes.
   */
  scopes?: TokenScope[];
  /** SHA-256 of the token's secret part, hex. */
  hash: string;
  createdBy: string | null;
  createdAt: number;
  /** UTC ms after which the token stops working; null for never. */
  expiresAt: number | null;
  lastUsedAt: number | null;
}

/**
 * Token scopes: `read` (GET the API), `write` (the changes its role allows), `write:readings` (send
 * readings over HTTP or MQTT), `admin` (users, tokens, shares; admin role only).
 */
export const TOKEN_SCOPES = ['read', 'write', 'write:readings', 'admin'] as const;
/** A token scope. */
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Access levels of a share. */
export const SHARE_ACCESS = ['read', 'edit'] as const;
/** A share's access level. */
export type ShareAccess = (typeof SHARE_ACCESS)[number];

/** A facility shared with one user or one whole organisation (exactly one grantee is set). */
export interface Share {
  id: string;
  facilityId: string;
  /** Organisation that owns the facility (and may revoke the share). */
  ownerOrgId: string;
  granteeUserId: string | null;
  granteeOrgId: string | null;
  access: ShareAccess;
  createdBy: string | null;
  createdAt: number;
}

/** Users, sessions, API tokens and sharing. Owned by the api feature. */
export interface AccountRepo {
  /** Stores a new user; throws ConflictError when the id or e-mail is taken. */
  createUser(user: UserWithHash): Promise<void>;
  /** One user, or undefined. */
  getUser(id: string): Promise<User | undefined>;
  /** The user with this login name (case-insensitive) with their hash, or undefined. */
  getUserByEmail(email: string): Promise<UserWithHash | undefined>;
  /** Users, optionally of one organisation, ordered by e-mail. */
  listUsers(filter?: { orgId?: string }): Promise<User[]>;
  /** Number of users in the installation (0 means first start). */
  countUsers(): Promise<number>;
  /** Changes a user's name, role, hash or disabled flag. */
  updateUser(
    id: string,
    patch: Partial<Pick<UserWithHash, 'name' | 'role' | 'passwordHash' | 'disabled'>>,
  ): Promise<void>;
  /** Deletes a user with their sessions, tokens they created stay (owned by the organisation). */
  deleteUser(id: string): Promise<void>;

  /** Stores a session. */
  createSession(session: Session): Promise<void>;
  /** A session by id (the hash of the cookie value), or undefined; expired sessions are returned too. */
  getSession(id: string): Promise<Session | undefined>;
  /** Deletes one session (logout). */
  deleteSession(id: string): Promise<void>;
  /** Deletes the sessions that expired before `now`; returns how many. */
  deleteExpiredSessions(now: number): Promise<number>;

  /** Stores a token (its hash only). */
  createToken(token: ApiToken): Promise<void>;
  /** One token, or undefined. */
  getToken(id: string): Promise<ApiToken | undefined>;
  /** Tokens of one organisation, newest first. */
  listTokens(filter: { orgId: string }): Promise<ApiToken[]>;
  /** Records a use of the token. */
  touchToken(id: string, at: number): Promise<void>;
  /** Revokes a token. */
  deleteToken(id: string): Promise<void>;

  /** Stores a share; a second share of the same facility to the same grantee replaces the first. */
  createShare(share: Share): Promise<void>;
  /** One share, or undefined. */
  getShare(id: string): Promise<Share | undefined>;
  /** Shares matching every given field. */
  listShares(filter: {
    facilityId?: string;
    ownerOrgId?: string;
    granteeUserId?: string;
    granteeOrgId?: string;
  }): Promise<Share[]>;
  /** Deletes one share. */
  deleteShare(id: string): Promise<void>;
  /** The facilities shared with this user directly or with their organisation, with the best access. */
  sharedWith(userId: string | null, orgId: string): Promise<Map<string, ShareAccess>>;
}
