/**
 * Contract of the notification preferences, run against both adapters on real databases: round trip
 * (the login address as null, lists as lists), replacing a user's row, listing the enabled users of
 * one organisation only, and deleting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from './contract/factories.ts';
import type { NotificationPrefs } from './ports/notifications.ts';

const prefs = (userId: string, orgId: string, patch: Partial<NotificationPrefs> = {}): NotificationPrefs => ({
  userId,
  orgId,
  enabled: true,
  email: null,
  severities: ['warning', 'critical'],
  rules: [],
  delivery: 'immediate',
  digestMinutes: 60,
  updatedAt: 1_700_000_000_000,
  ...patch,
});

describe.each(STORE_FACTORIES)('notification preferences on $kind', (factory) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('stores, reads back and replaces one row per user', async () => {
    const n = t.store.notifications;
    expect(await n.getPrefs('nobody')).toBeUndefined();
    await n.putPrefs(prefs('u1', 'o1'));
    expect(await n.getPrefs('u1')).toEqual(prefs('u1', 'o1'));
    const changed = prefs('u1', 'o1', {
      email: 'ops@example.org',
      severities: ['critical'],
      rules: ['spike', 'night base load'],
      delivery: 'digest',
      digestMinutes: 240,
      updatedAt: 1_700_000_100_000,
    });
    await n.putPrefs(changed);
    expect(await n.getPrefs('u1')).toEqual(changed);
  });

  it('lists the enabled users of one organisation, and deletes', async () => {
    const n = t.store.notifications;
    await n.putPrefs(prefs('u2', 'o1', { enabled: false }));
    await n.putPrefs(prefs('u3', 'o1'));
    await n.putPrefs(prefs('u4', 'o2'));
    expect((await n.listEnabled('o1')).map((p) => p.userId)).toEqual(['u1', 'u3']);
    expect((await n.listEnabled('o2')).map((p) => p.userId)).toEqual(['u4']);
    await n.deletePrefs('u3');
    await n.deletePrefs('u3');
    expect((await n.listEnabled('o1')).map((p) => p.userId)).toEqual(['u1']);
    expect(await n.getPrefs('u2')).toMatchObject({ enabled: false });
  });
});
