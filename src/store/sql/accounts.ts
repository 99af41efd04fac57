/** The accounts repository (users, sessions, API tokens, shares), written once for every adapter. */
import { ROLES } from '../../domain/types.ts';
import { ConflictError } from '../../errors.ts';
import type {
  AccountRepo,
  ApiToken,
  Session,
  Share,
  ShareAccess,
  TokenScope,
  User,
  UserWithHash,
} from '../ports/accounts.ts';
import { SHARE_ACCESS, TOKEN_SCOPES } from '../ports/accounts.ts';
import type { SqlDialect } from './dialect.ts';
import { bool, num, numOrNull, oneOf, type Row, str, strOrNull } from './row.ts';
import type { SqlDb } from './sql-db.ts';

/** DDL of the accounts tables. */
export function accountsDdl(d: SqlDialect): string[] {
  const s = d.text;
  return [
    `CREATE TABLE IF NOT EXISTS users (id ${s} PRIMARY KEY, org_id ${s} NOT NULL, email ${s} NOT NULL UNIQUE,
      name ${s} NOT NULL, role ${s} NOT NULL, password_hash ${s} NOT NULL, created_at BIGINT NOT NULL,
      disabled BOOLEAN NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS sessions (id ${s} PRIMARY KEY, user_id ${s} NOT NULL, created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS api_tokens (id ${s} PRIMARY KEY, org_id ${s} NOT NULL, name ${s} NOT NULL,
      role ${s} NOT NULL, hash ${s} NOT NULL, created_by ${s}, created_at BIGINT NOT NULL, expires_at BIGINT,
      last_used_at BIGINT)`,
    // Tokens made before scopes existed keep NULL: their role's default scopes apply (src/api/scopes.ts).
    `ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS scopes ${s}`,
    `CREATE TABLE IF NOT EXISTS facility_shares (id ${s} PRIMARY KEY, facility_id ${s} NOT NULL,
      owner_org_id ${s} NOT NULL, grantee_user_id ${s}, grantee_org_id ${s}, access ${s} NOT NULL,
      created_by ${s}, created_at BIGINT NOT NULL)`,
  ];
}

function rowToUser(r: Row): UserWithHash {
  return {
    id: str(r, 'id'),
    orgId: str(r, 'org_id'),
    email: str(r, 'email'),
    name: str(r, 'name'),
    role: oneOf(r, 'role', ROLES),
    createdAt: num(r, 'created_at'),
    disabled: bool(r, 'disabled'),
    passwordHash: str(r, 'password_hash'),
  };
}

function withoutHash(u: UserWithHash): User {
  const { passwordHash: _, ...user } = u;
  return user;
}

function rowToToken(r: Row): ApiToken {
  return {
    id: str(r, 'id'),
    orgId: str(r, 'org_id'),
    name: str(r, 'name'),
    role: oneOf(r, 'role', ROLES),
    hash: str(r, 'hash'),
    createdBy: strOrNull(r, 'created_by'),
    createdAt: num(r, 'created_at'),
    expiresAt: numOrNull(r, 'expires_at'),
    lastUsedAt: numOrNull(r, 'last_used_at'),
    ...(typeof r['scopes'] === 'string'
      ? { scopes: r['scopes'].split(',').filter((x): x is TokenScope => isTokenScope(x)) }
      : {}),
  };
}

const isTokenScope = (s: string): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s);

function rowToShare(r: Row): Share {
  return {
    id: str(r, 'id'),
    facilityId: str(r, 'facility_id'),
    ownerOrgId: str(r, 'owner_org_id'),
    granteeUserId: strOrNull(r, 'grantee_user_id'),
    granteeOrgId: strOrNull(r, 'grantee_org_id'),
    access: oneOf(r, 'access', SHARE_ACCESS),
    createdBy: strOrNull(r, 'created_by'),
    createdAt: num(r, 'created_at'),
  };
}

function rowToSession(r: Row): Session {
  return {
    id: str(r, 'id'),
    userId: str(r, 'user_id'),
    createdAt: num(r, 'created_at'),
    expiresAt: num(r, 'expires_at'),
  };
}

const count = (r: Row | undefined): number => (r ? num(r, 'n') : 0);

/** The {@link AccountRepo} over a database. */
export function createAccountRepo(db: SqlDb): AccountRepo {
  const query = (sql: string, params?: unknown[]) => db.query(sql, params);
  const one = async (sql: string, params: unknown[]) => (await query(sql, params))[0];
  return {
    async createUser(u) {
      const email = u.email.toLowerCase();
      if (await one('SELECT id FROM users WHERE id = $1 OR email = $2', [u.id, email])) {
        throw new ConflictError(`a user with id '${u.id}' or login '${email}' already exists`);
      }
      await query('INSERT INTO users VALUES ($1,$2,$3,$4,$5,$6,$7,$8)', [
        u.id,
        u.orgId,
        email,
        u.name,
        u.role,
        u.passwordHash,
        u.createdAt,
        u.disabled,
      ]);
    },
    async getUser(id) {
      const r = await one('SELECT * FROM users WHERE id = $1', [id]);
      return r ? withoutHash(rowToUser(r)) : undefined;
    },
    async getUserByEmail(email) {
      const r = await one('SELECT * FROM users WHERE email = $1', [email.toLowerCase()]);
      return r ? rowToUser(r) : undefined;
    },
    async listUsers(filter = {}) {
      const rows =
        filter.orgId === undefined
          ? await query('SELECT * FROM users ORDER BY email')
          : await query('SELECT * FROM users WHERE org_id = $1 ORDER BY email', [filter.orgId]);
      return rows.map((r) => withoutHash(rowToUser(r)));
    },
    async countUsers() {
      return count(await one('SELECT count(*) AS n FROM users', []));
    },
    async updateUser(id, patch) {
      const cols: [string, unknown][] = [];
      if (patch.name !== undefined) cols.push(['name', patch.name]);
      if (patch.role !== undefined) cols.push(['role', patch.role]);
      if (patch.passwordHash !== undefined) cols.push(['password_hash', patch.passwordHash]);
      if (patch.disabled !== undefined) cols.push(['disabled', patch.disabled]);
      if (cols.length === 0) return;
      const set = cols.map(([c], i) => `${c} = $${i + 1}`).join(', ');
      await query(`UPDATE users SET ${set} WHERE id = $${cols.length + 1}`, [...cols.map(([, v]) => v), id]);
      // A changed password or a disabled account ends every open session of the user.
      if (patch.passwordHash !== undefined || patch.disabled === true) {
        await query('DELETE FROM sessions WHERE user_id = $1', [id]);
      }
    },
    async deleteUser(id) {
      await query('DELETE FROM sessions WHERE user_id = $1', [id]);
      await query('DELETE FROM facility_shares WHERE grantee_user_id = $1', [id]);
      await query('DELETE FROM users WHERE id = $1', [id]);
    },

    async createSession(s) {
      await query('INSERT INTO sessions VALUES ($1,$2,$3,$4)', [s.id, s.userId, s.createdAt, s.expiresAt]);
    },
    async getSession(id) {
      const r = await one('SELECT * FROM sessions WHERE id = $1', [id]);
      return r ? rowToSession(r) : undefined;
    },
    async deleteSession(id) {
      await query('DELETE FROM sessions WHERE id = $1', [id]);
    },
    async deleteExpiredSessions(now) {
      const n = count(await one('SELECT count(*) AS n FROM sessions WHERE expires_at < $1', [now]));
      if (n > 0) await query('DELETE FROM sessions WHERE expires_at < $1', [now]);
      return n;
    },

    async createToken(t) {
      await query(
        `INSERT INTO api_tokens (id, org_id, name, role, hash, created_by, created_at, expires_at,
          last_used_at, scopes) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
        [
          t.id,
          t.orgId,
          t.name,
          t.role,
          t.hash,
          t.createdBy,
          t.createdAt,
          t.expiresAt,
          t.lastUsedAt,
          t.scopes ? t.scopes.join(',') : null,
        ],
      );
    },
    async getToken(id) {
      const r = await one('SELECT * FROM api_tokens WHERE id = $1', [id]);
      return r ? rowToToken(r) : undefined;
    },
    async listTokens(filter) {
      const rows = await query('SELECT * FROM api_tokens WHERE org_id = $1 ORDER BY created_at DESC, id', [
        filter.orgId,
      ]);
      return rows.map(rowToToken);
    },
    async touchToken(id, at) {
      await query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [at, id]);
    },
    async deleteToken(id) {
      await query('DELETE FROM api_tokens WHERE id = $1', [id]);
    },

    async createShare(s) {
      // One share per (facility, grantee): the newest access level wins.
      await query(
        `DELETE FROM facility_shares WHERE facility_id = $1
          AND coalesce(grantee_user_id, '') = $2 AND coalesce(grantee_org_id, '') = $3`,
        [s.facilityId, s.granteeUserId ?? '', s.granteeOrgId ?? ''],
      );
      await query('INSERT INTO facility_shares VALUES ($1,$2,$3,$4,$5,$6,$7,$8)', [
        s.id,
        s.facilityId,
        s.ownerOrgId,
        s.granteeUserId,
        s.granteeOrgId,
        s.access,
        s.createdBy,
        s.createdAt,
      ]);
    },
    async getShare(id) {
      const r = await one('SELECT * FROM facility_shares WHERE id = $1', [id]);
      return r ? rowToShare(r) : undefined;
    },
    async listShares(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (col: string, v: string | undefined) => {
        if (v === undefined) return;
        params.push(v);
        where.push(`${col} = $${params.length}`);
      };
      add('facility_id', filter.facilityId);
      add('owner_org_id', filter.ownerOrgId);
      add('grantee_user_id', filter.granteeUserId);
      add('grantee_org_id', filter.granteeOrgId);
      const sql = `SELECT * FROM facility_shares ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
      return (await query(sql, params)).map(rowToShare);
    },
    async deleteShare(id) {
      await query('DELETE FROM facility_shares WHERE id = $1', [id]);
    },
    async sharedWith(userId, orgId) {
      const rows = await query(
        'SELECT facility_id, access FROM facility_shares WHERE grantee_org_id = $1 OR grantee_user_id = $2',
        [orgId, userId ?? ''],
      );
      const out = new Map<string, ShareAccess>();
      for (const r of rows) {
        const id = str(r, 'facility_id');
        if (out.get(id) !== 'edit') out.set(id, oneOf(r, 'access', SHARE_ACCESS));
      }
      return out;
    },
  };
}
