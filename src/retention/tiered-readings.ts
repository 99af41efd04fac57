/**
 * Raw readings across the retention boundary: a {@link ReadingRepo} that reads the serving store and,
 * below an organisation's `lakeBefore`, the lake too, so that explore, exports, NILM and every other
 * reader see the same readings before and after a retention run moved them. Writes and the change log
 * go to the store unchanged. A reading in both tiers is the store's (the store is what readers saw).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '../domain/types.ts';
import type { Lake, LakeQuery } from '../lake/port.ts';
import type { CatalogRepo } from '../store/ports/catalog.ts';
import type { ReadingRepo } from '../store/ports/readings.ts';
import type { RetentionRepo } from '../store/ports/retention.ts';
import { bucketColumns, combineBuckets, minutePlan, type DownsampleArgs } from './buckets.ts';
import { mergeColumns, mergeReadings } from './merge.ts';

/** What {@link tieredReadings} reads from. */
export interface TieredDeps {
  readings: ReadingRepo;
  retention: Pick<RetentionRepo, 'get' | 'list'>;
  catalog: Pick<CatalogRepo, 'getChannel' | 'getMeter' | 'getFacility'>;
  /** The lake, opened on first use: most stores never cross a boundary. */
  lake: () => Promise<Lake>;
}

/** A channel's organisation and where its store readings begin (null: all in the store). */
interface Tier {
  orgId: string;
  lakeBefore: number;
  minutesBefore: number | null;
}

/** The store's readings with the lake's below each organisation's retention boundary. */
export function tieredReadings(deps: TieredDeps): ReadingRepo {
  const { readings } = deps;
  // A channel's organisation never changes; the boundary is read on every call (one small query),
  // so that a run in another process is seen at once, before it deletes anything.
  const orgs = new Map<string, string>();
  const orgOf = async (channelId: string): Promise<string | undefined> => {
    const known = orgs.get(channelId);
    if (known !== undefined) return known;
    const c = await deps.catalog.getChannel(channelId);
    const m = c && (await deps.catalog.getMeter(c.meterId));
    const f = m && (await deps.catalog.getFacility(m.facilityId));
    if (f) orgs.set(channelId, f.orgId);
    return f?.orgId;
  };
  /** The channel's tier when [from, ...) reaches below its boundary, else undefined (store only). */
  const crossing = async (channelId: string, from: number): Promise<Tier | undefined> => {
    const orgId = await orgOf(channelId);
    if (orgId === undefined) return undefined;
    const s = await deps.retention.get(orgId);
    if (s.lakeBefore === null || from >= s.lakeBefore) return undefined;
    return { orgId, lakeBefore: s.lakeBefore, minutesBefore: s.minutesBefore };
  };
  const lakePart = (t: Tier, channelId: string, from: number, to: number): LakeQuery => ({
    orgId: t.orgId,
    channelIds: [channelId],
    from,
    to: Math.min(to, t.lakeBefore),
  });

  const readColumns: ReadingRepo['readColumns'] = async (channelId, from, to) => {
    const t = await crossing(channelId, from);
    if (!t) return readings.readColumns(channelId, from, to);
    const [cold, hot] = await Promise.all([
      (await deps.lake()).read(lakePart(t, channelId, from, to)),
      readings.readColumns(channelId, from, to),
    ]);
    return mergeColumns(hot, cold);
  };

  return {
    write: (batch) => readings.write(batch),
    peekChanges: () => readings.peekChanges(),
    ackChanges: (token) => readings.ackChanges(token),
    count: (channelId) => readings.count(channelId),
    async read(channelId, from, to): Promise<Reading[]> {
      const t = await crossing(channelId, from);
      if (!t) return readings.read(channelId, from, to);
      const [cold, hot] = await Promise.all([
        (await deps.lake()).read(lakePart(t, channelId, from, to)),
        readings.read(channelId, from, to),
      ]);
      return mergeReadings(channelId, hot, cold);
    },
    readColumns,
    async downsample(channelId, from, to, buckets) {
      const t = await crossing(channelId, from);
      if (!t) return readings.downsample(channelId, from, to, buckets);
      const args: DownsampleArgs = { from, to, buckets };
      const minutesKept = t.minutesBefore === null || from >= t.minutesBefore;
      const plan = minutePlan(args, t.lakeBefore, minutesKept);
      if (plan === undefined) return bucketColumns(args, await readColumns(channelId, from, to));
      // Minute rows still cover the range: the store answers from them and its raw cut minutes; the lake
      // adds the raw readings of the cut minutes below the boundary that the store no longer holds.
      const [stored, cold, hotBelow] = await Promise.all([
        readings.downsample(channelId, from, to, buckets),
        (await deps.lake()).read({ ...lakePart(t, channelId, from, to), minutes: plan.cutBelow }),
        readings.readColumns(channelId, from, Math.min(to, t.lakeBefore)),
      ]);
      return combineBuckets(args, stored, cold, hotBelow);
    },
    async extent(channelId) {
      const hot = await readings.extent(channelId);
      const t = await crossing(channelId, -Infinity);
      if (!t) return hot;
      const cold = await (
        await deps.lake()
      ).extent({ orgId: t.orgId, channelIds: [channelId], to: t.lakeBefore });
      if (!cold) return hot;
      if (!hot) return cold;
      return { from: Math.min(hot.from, cold.from), to: Math.max(hot.to, cold.to) };
    },
    async exportReadings(req) {
      const from = req.from ?? -Infinity;
      const states = (await deps.retention.list()).filter(
        (s) => s.lakeBefore !== null && from < s.lakeBefore,
      );
      if (states.length === 0) return readings.exportReadings(req);
      const tmp = await mkdtemp(join(tmpdir(), 'loadscope-tiered-export-'));
      try {
        const storeFile = join(tmp, 'store.parquet');
        await readings.exportReadings({ ...req, format: 'parquet', path: storeFile });
        const queries = states.map((s): LakeQuery => {
          const q: LakeQuery = { orgId: s.orgId, to: Math.min(req.to ?? Infinity, s.lakeBefore as number) };
          if (req.from !== undefined) q.from = req.from;
          if (req.channelIds !== undefined) q.channelIds = req.channelIds;
          return q;
        });
        return await (
          await deps.lake()
        ).exportWith({ storeFile, queries, format: req.format, path: req.path });
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    },
  };
}
