/**
 * A retention run for one organisation: raw readings older than `rawDays` (whole UTC days, the lake's
 * partitions) leave the store once the lake holds each of them, and minute aggregates older than
 * `minuteDays` are deleted; hour and day rollups stay. Crash-safe at every step (kill -9 loses and
 * doubles nothing):
 *
 * 1. `lakeBefore` is raised first, so readers consult the lake below it before anything is deleted;
 * 2. per day, what the lake lacks (imports and simulator backfills never passed through it) is
 *    appended (durable in the spool; a killed run's spool is published by the next lake opened);
 * 3. the lake is flushed, the appended days are read back and compared reading for reading;
 * 4. each day is deleted in one transaction that commits only if it deletes exactly the readings
 *    verified (a reading written meanwhile keeps the whole day for the next run).
 */
import type { Lake } from '../lake/port.ts';
import { LakeError } from '../errors.ts';
import type { ReadingBatch } from '../domain/types.ts';
import type { StorePort } from '../store/store.ts';
import type { RetentionRunRecord } from '../store/ports/retention.ts';
import { lakeDiff } from './diff.ts';

const DAY = 86_400_000;

/** What a run needs. */
export interface RetentionDeps {
  store: StorePort<
    'retention',
    'get' | 'oldestRaw' | 'markLakeBefore' | 'rawSlice' | 'dropRaw' | 'dropMinutes' | 'recordRun'
  > &
    StorePort<'catalog', 'listOrganisations'>;
  /** The lake the readings move to; it must place the organisation's channels. */
  lake: Lake;
  now: () => number;
  /** Stops the run between days (what is done stays done). */
  signal?: AbortSignal;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Readings held in memory between appending and verifying (default 1,000,000). */
  groupReadings?: number;
}

/** What one organisation's run did. */
export interface RetentionResult extends RetentionRunRecord {
  orgId: string;
  /** Raw readings before this time (UTC ms, a UTC midnight) are now in the lake only. */
  rawBefore: number;
  /** Minute aggregates before this time are deleted. */
  minutesBefore: number;
  /** Days whose readings the lake holds differently (left in the store). */
  conflicts: number;
}

/** The UTC midnight at or before `t`. */
export function utcMidnight(t: number): number {
  return t - (((t % DAY) + DAY) % DAY);
}

interface Held {
  day: number;
  slice: ReadingBatch;
  appended: boolean;
}

/** Runs retention for one organisation. */
export async function runRetention(deps: RetentionDeps, orgId: string): Promise<RetentionResult> {
  const { store, lake } = deps;
  const say = deps.log ?? (() => undefined);
  const state = await store.retention.get(orgId);
  const now = deps.now();
  const rawBefore = utcMidnight(now - state.rawDays * DAY);
  const minutesBefore = utcMidnight(now - state.minuteDays * DAY);
  const r: RetentionResult = {
    orgId,
    rawBefore,
    minutesBefore,
    at: now,
    copied: 0,
    deleted: 0,
    minutesDeleted: 0,
    skippedDays: 0,
    conflicts: 0,
  };
  const oldest = await store.retention.oldestRaw(orgId);
  if (oldest !== undefined && oldest < rawBefore) {
    await store.retention.markLakeBefore(orgId, rawBefore);
    const limit = deps.groupReadings ?? 1_000_000;
    let day = utcMidnight(oldest);
    while (day < rawBefore && !deps.signal?.aborted) {
      const group: Held[] = [];
      let held = 0;
      for (; day < rawBefore && held < limit && !deps.signal?.aborted; day += DAY) {
        const slice = await store.retention.rawSlice(orgId, day, day + DAY);
        if (slice.length === 0) continue;
        const d = lakeDiff(slice, await lake.read({ orgId, from: day, to: day + DAY }));
        if (d.conflict) {
          r.conflicts++;
          r.skippedDays++;
          say(
            `retention ${orgId}: ${new Date(day).toISOString().slice(0, 10)} kept in the store: the lake holds ${d.conflicts} reading(s) differently (first: channel ${d.conflict.channelId} at ${new Date(d.conflict.ts).toISOString()})`,
          );
          continue;
        }
        if (d.missing.length > 0) await lake.append(d.missing);
        r.copied += d.missing.length;
        group.push({ day, slice, appended: d.missing.length > 0 });
        held += slice.length;
      }
      if (group.some((g) => g.appended)) await lake.flush();
      for (const g of group) {
        if (g.appended) {
          const check = lakeDiff(g.slice, await lake.read({ orgId, from: g.day, to: g.day + DAY }));
          if (check.missing.length > 0 || check.conflict)
            throw new LakeError(
              `verify ${check.missing.length} reading(s) of ${orgId} on ${new Date(g.day).toISOString().slice(0, 10)} after publishing`,
              lake.dir,
            );
        }
        if (await store.retention.dropRaw(orgId, g.day, g.day + DAY, g.slice.length))
          r.deleted += g.slice.length;
        else r.skippedDays++;
      }
      if (group.length > 0)
        say(
          `retention ${orgId}: up to ${new Date(day).toISOString().slice(0, 10)}: ${r.copied} copied to the lake, ${r.deleted} deleted from the store`,
        );
    }
  }
  r.minutesDeleted = await store.retention.dropMinutes(orgId, minutesBefore);
  r.at = deps.now();
  const { orgId: _o, rawBefore: _r, minutesBefore: _m, conflicts: _c, ...record } = r;
  await store.retention.recordRun(orgId, record, minutesBefore);
  return r;
}

/** Runs retention for every organisation, one after the other. */
export async function runRetentionAll(deps: RetentionDeps): Promise<RetentionResult[]> {
  const out: RetentionResult[] = [];
  for (const o of await deps.store.catalog.listOrganisations()) {
    if (deps.signal?.aborted) break;
    out.push(await runRetention(deps, o.id));
  }
  return out;
}
