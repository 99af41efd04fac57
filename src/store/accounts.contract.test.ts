/**
 * Contract of the accounts repository, run unchanged against the DuckDB and PostgreSQL adapters
 * (real servers: a temp DuckDB file and a fresh PostgreSQL schema).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.ts';
import { STORE_FACTORIES } from './contract/factories.ts';
import type { AccountRepo, UserWithHash } from './ports/accounts.ts';

interface Adapter {
  name: string;
  open(): Promise<{ repo: AccountRepo; close(): Promise<void> }>;
}

const ADAPTERS: Adapter[] = STORE_FACTORIES.map((f) => ({
  name: f.kind,
  async open() {
    const t = await f.open();
    return { repo: t.store.accounts, close: () => t.destroy() };
  },
}));

const user = (id: string, orgId: string, email: string): UserWithHash => ({
  id,
  orgId,
  email,
  name: id,
  role: 'viewer',
  createdAt: 1000,
  disabled: false,
  passwordHash: `hash-${id}`,
});

describe.each(ADAPTERS)('accounts repo contract: $name', (adapter) => {
  let repo: AccountRepo;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ repo, close } = await adapter.open());
  });
  afterAll(async () => close());

  it('creates, finds, lists, updates and deletes users; logins are unique and case-insensitive', async () => {
    expect(await repo.countUsers()).toBe(0);
    await repo.createUser(user('u1', 'o1', 'Alice@Example.org'));
    await repo.createUser(user('u2', 'o1', 'bob'));
    await repo.createUser(user('u3', 'o2', 'carol'));
    await expect(repo.createUser(user('u4', 'o1', 'ALICE@example.org'))).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await repo.countUsers()).toBe(3);
    expect((await repo.getUserByEmail('alice@example.ORG'))?.passwordHash).toBe('hash-u1');
    const u1 = await repo.getUser('u1');
    expect(u1).toEqual({
      id: 'u1',
      orgId: 'o1',
      email: 'alice@example.org',
      name: 'u1',
      role: 'viewer',
      createdAt: 1000,
      disabled: false,
    });
    expect(u1).not.toHaveProperty('passwordHash');
    expect((await repo.listUsers({ orgId: 'o1' })).map((u) => u.id)).toEqual(['u1', 'u2']);
    await repo.updateUser('u2', { role: 'analyst', name: 'Bob' });
    expect(await repo.getUser('u2')).toMatchObject({ role: 'analyst', name: 'Bob' });
    await repo.deleteUser('u2');
    expect(await repo.getUser('u2')).toBeUndefined();
    expect(await repo.getUser('nope')).toBeUndefined();
  });

  it('keeps sessions until logout, expiry or a password change', async () => {
    await repo.createSession({ id: 's1', userId: 'u1', createdAt: 1, expiresAt: 100 });
    await repo.createSession({ id: 's2', userId: 'u1', createdAt: 1, expiresAt: 10_000 });
    await repo.createSession({ id: 's3', userId: 'u3', createdAt: 1, expiresAt: 10_000 });
    expect(await repo.getSession('s1')).toEqual({ id: 's1', userId: 'u1', createdAt: 1, expiresAt: 100 });
    expect(await repo.deleteExpiredSessions(500)).toBe(1);
    expect(await repo.getSession('s1')).toBeUndefined();
    await repo.deleteSession('s3');
    expect(await repo.getSession('s3')).toBeUndefined();
    await repo.updateUser('u1', { passwordHash: 'new' });
    expect(await repo.getSession('s2')).toBeUndefined();
  });

  it('stores tokens by hash, lists them per organisation and revokes them', async () => {
    const base = { role: 'analyst' as const, createdBy: 'u1', expiresAt: null, lastUsedAt: null };
    await repo.createToken({ ...base, id: 't1', orgId: 'o1', name: 'meter gw', hash: 'h1', createdAt: 5 });
    await repo.createToken({
      ...base,
      id: 't2',
      orgId: 'o1',
      name: 'script',
      hash: 'h2',
      createdAt: 6,
      expiresAt: 99,
    });
    await repo.createToken({ ...base, id: 't3', orgId: 'o2', name: 'other', hash: 'h3', createdAt: 7 });
    expect((await repo.listTokens({ orgId: 'o1' })).map((t) => t.id)).toEqual(['t2', 't1']);
    await repo.touchToken('t1', 77);
    expect(await repo.getToken('t1')).toMatchObject({ hash: 'h1', lastUsedAt: 77, expiresAt: null });
    expect(await repo.getToken('t2')).toMatchObject({ expiresAt: 99 });
    await repo.deleteToken('t1');
    expect(await repo.getToken('t1')).toBeUndefined();
  });

  it('shares facilities with users and organisations, the best access winning', async () => {
    const base = { ownerOrgId: 'o1', createdBy: 'u1', createdAt: 9 };
    await repo.createShare({
      ...base,
      id: 'sh1',
      facilityId: 'f1',
      granteeUserId: 'u3',
      granteeOrgId: null,
      access: 'read',
    });
    await repo.createShare({
      ...base,
      id: 'sh2',
      facilityId: 'f2',
      granteeUserId: null,
      granteeOrgId: 'o2',
      access: 'read',
    });
    await repo.createShare({
      ...base,
      id: 'sh3',
      facilityId: 'f2',
      granteeUserId: 'u3',
      granteeOrgId: null,
      access: 'edit',
    });
    // A second share to the same grantee replaces the first.
    await repo.createShare({
      ...base,
      id: 'sh4',
      facilityId: 'f1',
      granteeUserId: 'u3',
      granteeOrgId: null,
      access: 'edit',
    });
    expect(await repo.getShare('sh1')).toBeUndefined();
    expect(await repo.getShare('sh4')).toMatchObject({
      access: 'edit',
      granteeUserId: 'u3',
      granteeOrgId: null,
    });
    expect([...(await repo.sharedWith('u3', 'o2'))].sort()).toEqual([
      ['f1', 'edit'],
      ['f2', 'edit'],
    ]);
    expect([...(await repo.sharedWith(null, 'o2'))]).toEqual([['f2', 'read']]);
    expect([...(await repo.sharedWith('u1', 'o1'))]).toEqual([]);
    expect((await repo.listShares({ facilityId: 'f2' })).map((s) => s.id)).toEqual(['sh2', 'sh3']);
    expect((await repo.listShares({ ownerOrgId: 'o1', granteeOrgId: 'o2' })).map((s) => s.id)).toEqual([
      'sh2',
    ]);
    await repo.deleteShare('sh3');
    await repo.deleteUser('u3');
    expect(await repo.listShares({ granteeUserId: 'u3' })).toEqual([]);
  });
});
