/** Contract of ImportRepo: round trips, partial updates, per-organisation listing, interrupting stale imports. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ImportRecord } from '../ports/imports.ts';
import type { StoreFactory, TestStore } from './factories.ts';

const record = (id: string, orgId: string, startedAt: number): ImportRecord => ({
  id,
  orgId,
  filename: `${id}.csv`,
  facilityId: `fac-${id}`,
  state: 'running',
  startedAt,
  endedAt: null,
  heartbeatAt: startedAt,
  progress: { bytesRead: 0, bytesTotal: 100, rows: 0, readings: 0 },
  summary: null,
  error: null,
});

const SUMMARY = {
  format: 'csv-long' as const,
  rows: 3,
  readings: 2,
  stored: 2,
  duplicates: 0,
  rejected: 1,
  byReason: {
    'not-a-number': {
      count: 1,
      examples: [
        { file: 'i1.csv', line: 3, field: 'value', reason: 'not-a-number', message: "it's not", raw: 'oops' },
      ],
    },
  },
  channels: ['fac-i1:main:mains'],
  bytes: 100,
  seconds: 0.5,
};

/** Registers the import repository tests for one adapter (call inside a `describe`). */
export function importsContract(factory: StoreFactory): void {
  let t: TestStore;
  beforeAll(async () => {
    t = await factory.open();
  });
  afterAll(async () => t?.destroy());

  it('round-trips an import and applies partial updates', async () => {
    const r = t.store.imports;
    await r.createImport(record('i1', 'org-a', 1000));
    expect(await r.getImport('i1')).toEqual(record('i1', 'org-a', 1000));
    expect(await r.getImport('nope')).toBeUndefined();
    await r.updateImport('i1', {
      progress: { bytesRead: 50, bytesTotal: 100, rows: 2, readings: 1 },
      heartbeatAt: 1500,
    });
    expect(await r.getImport('i1')).toMatchObject({
      state: 'running',
      heartbeatAt: 1500,
      progress: { rows: 2 },
    });
    await r.updateImport('i1', { state: 'done', endedAt: 2000, summary: SUMMARY, facilityId: 'site-2' });
    expect(await r.getImport('i1')).toEqual({
      ...record('i1', 'org-a', 1000),
      facilityId: 'site-2',
      state: 'done',
      endedAt: 2000,
      heartbeatAt: 1500,
      progress: { bytesRead: 50, bytesTotal: 100, rows: 2, readings: 1 },
      summary: SUMMARY,
    });
    await r.updateImport('i1', {});
    await r.updateImport('missing', { state: 'failed' });
    expect(await r.getImport('missing')).toBeUndefined();
  });

  it("lists one organisation's imports, newest first, up to a limit", async () => {
    const r = t.store.imports;
    await r.createImport(record('i2', 'org-a', 3000));
    await r.createImport(record('i3', 'org-b', 4000));
    await r.createImport(record('i4', 'org-a', 2000));
    const ids = async (orgId: string, limit?: number) =>
      (await r.listImports({ orgId, ...(limit === undefined ? {} : { limit }) })).map((x) => x.id);
    expect(await ids('org-a')).toEqual(['i2', 'i4', 'i1']);
    expect(await ids('org-a', 2)).toEqual(['i2', 'i4']);
    expect(await ids('org-b')).toEqual(['i3']);
    expect(await ids('org-c')).toEqual([]);
  });

  it('interrupts only the listed imports that are running with a heartbeat older than the cut-off', async () => {
    const r = t.store.imports;
    const error = { error: 'IMPORT_INTERRUPTED', message: "the server stopped; it's not finished" };
    // i1 is done, i2 (heartbeat 3000) is stale, i3 (4000) is not, i4 (2000) is stale but not listed.
    expect(await r.interruptStale(['i1', 'i2', 'i3'], 3500, error, 9000)).toBe(1);
    expect(await r.getImport('i2')).toMatchObject({ state: 'failed', endedAt: 9000, error });
    expect((await r.getImport('i1'))?.state).toBe('done');
    expect((await r.getImport('i3'))?.state).toBe('running');
    expect((await r.getImport('i4'))?.state).toBe('running');
    expect(await r.interruptStale(['i2'], 3500, error, 9500)).toBe(0);
    expect(await r.interruptStale([], 3500, error, 9500)).toBe(0);
  });

  it('keeps imports when the store is reopened', async () => {
    const s = await t.reopen();
    expect((await s.imports.getImport('i2'))?.error?.error).toBe('IMPORT_INTERRUPTED');
    expect((await s.imports.listImports({ orgId: 'org-a' })).map((x) => x.id)).toEqual(['i2', 'i4', 'i1']);
  });
}
