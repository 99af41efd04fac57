/**
 * Contract of credential revocations, run against both adapters on real databases: every change that
 * can end a credential is announced to the store's own listeners before the change resolves, and to a
 * second store on the same database (PostgreSQL: another pool and listening connection, as another
 * process has) within a second; changes that cannot end a credential are not announced; and the
 * PostgreSQL listener that lost its connection comes back with a `resync`.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, TEST_PG_URL, type TestStore } from './contract/factories.ts';
import type { Revocation } from './ports/revocations.ts';
import type { Store } from './store.ts';

const until = async (check: () => boolean, what: string, ms = 1500): Promise<void> => {
  for (const deadline = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
};

describe.each(STORE_FACTORIES)('revocations on $kind', (factory) => {
  let t: TestStore;
  let peer: Store;
  const seen: Revocation[] = [];
  const heard: Revocation[] = [];

  beforeAll(async () => {
    t = await factory.open();
    peer = await t.peer();
    t.store.revocations.watch((r) => seen.push(r));
    peer.revocations.watch((r) => heard.push(r));
    await Promise.all([t.store.revocations.ready(), peer.revocations.ready()]);
    const a = t.store.accounts;
    await a.createUser({
      id: 'u1',
      orgId: 'o1',
      email: 'u1@example.org',
      name: 'U1',
      role: 'analyst',
      createdAt: 1,
      disabled: false,
      passwordHash: 'h',
    });
    await a.createToken({
      id: 'tok1',
      orgId: 'o1',
      name: 'meter',
      role: 'viewer',
      hash: 'x'.repeat(64),
      createdBy: null,
      createdAt: 1,
      expiresAt: null,
      lastUsedAt: null,
    });
    await a.createSession({ id: 's1', userId: 'u1', createdAt: 1, expiresAt: Date.now() + 60_000 });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  const change = async (fn: () => Promise<void>, expected: Revocation | undefined): Promise<void> => {
    seen.length = 0;
    heard.length = 0;
    await fn();
    // Synchronous in the announcing process: acted on before the request that made it is answered.
    expect(seen).toEqual(expected ? [expected] : []);
    if (!expected) return;
    await until(() => heard.length > 0, `the peer store to hear ${expected.type}`);
    await new Promise((r) => setTimeout(r, 50));
    expect(heard).toEqual([expected]);
    expect(seen).toEqual([expected]);
  };

  it('announces a revoked token and an ended session', async () => {
    await change(() => t.store.accounts.deleteToken('tok1'), { type: 'token-revoked', tokenId: 'tok1' });
    await change(() => t.store.accounts.deleteSession('s1'), { type: 'session-ended', sessionId: 's1' });
  });

  it('announces password, role and disabled changes and deleted users, not a new name', async () => {
    const userChanged: Revocation = { type: 'user-changed', userId: 'u1' };
    await change(() => t.store.accounts.updateUser('u1', { passwordHash: 'h2' }), userChanged);
    await change(() => t.store.accounts.updateUser('u1', { role: 'viewer' }), userChanged);
    await change(() => t.store.accounts.updateUser('u1', { disabled: true }), userChanged);
    await change(() => t.store.accounts.updateUser('u1', { name: 'New name' }), undefined);
    await change(() => t.store.accounts.deleteUser('u1'), userChanged);
  });

  it('keeps delivering after a listener stops watching, to the others only', async () => {
    const mine: Revocation[] = [];
    const stop = t.store.revocations.watch((r) => mine.push(r));
    await t.store.revocations.announce({ type: 'token-revoked', tokenId: 'a' });
    stop();
    await t.store.revocations.announce({ type: 'token-revoked', tokenId: 'b' });
    expect(mine).toEqual([{ type: 'token-revoked', tokenId: 'a' }]);
  });

  it.runIf(factory.kind === 'postgres')(
    'reconnects a listener whose connection broke, with a resync, and hears what follows',
    async () => {
      heard.length = 0;
      const admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
      try {
        const schema = t.env['LOADSCOPE_PG_SCHEMA']!;
        const killed = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1`,
          [`LISTEN "loadscope_revocations_${schema}"`],
        );
        expect(killed.rowCount).toBe(2);
      } finally {
        await admin.end();
      }
      await until(() => heard.some((r) => r.type === 'resync'), 'a resync', 5000);
      await t.store.revocations.announce({ type: 'token-revoked', tokenId: 'after' });
      await until(() => heard.some((r) => r.type === 'token-revoked'), 'the notice after reconnecting');
    },
  );
});
