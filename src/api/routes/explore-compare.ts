/**
 * Explore with a comparison (issue 16, item 4): the span a view is compared with (the period before,
 * or a year earlier, in a zone's local calendar) and each channel's energy in both from the batch's
 * gap-aware rollups, with how much of each span the data covers, so a page can say that a comparison
 * period is only partly covered rather than show a misleading change.
 */
import type { RollupQuery, RollupRow } from '../../store/ports/rollups.ts';
import { type ComparedSpan, type LocalDays, periodDelta } from '../../util/time/index.ts';
import { type ChannelTotals, PARTIAL_COVERAGE } from '../shapes/explore.ts';

/** Longest span whose totals are summed from hourly rollups (8,784 rows a channel at most). */
const HOURLY_MAX_MS = 366 * 86_400_000;
const HOUR_MS = 3_600_000;

type ListRollups = (q: RollupQuery) => Promise<RollupRow[]>;

/** Energy and covered fraction of `[from, to)` from one channel's rollups. */
async function spanEnergy(
  listRollups: ListRollups,
  channelId: string,
  span: { from: number; to: number },
  days: Pick<LocalDays, 'dayOf' | 'hoursIn'>,
): Promise<{ unit: string | null; energy: number; coverage: number; basis: 'hour' | 'day' }> {
  const basis = span.to - span.from <= HOURLY_MAX_MS ? 'hour' : 'day';
  const rows = await listRollups({
    level: 'channel',
    period: basis,
    channelId,
    from: span.from,
    to: span.to,
    limit: 10_000,
  });
  let energy = 0;
  let covered = 0;
  for (const r of rows) {
    energy += r.energy;
    covered += r.coverage * (basis === 'hour' ? HOUR_MS : days.hoursIn(days.dayOf(r.start)) * HOUR_MS);
  }
  return {
    unit: rows[0]?.unit ?? null,
    energy,
    coverage: Math.min(1, covered / (span.to - span.from)),
    basis,
  };
}

/** A channel's totals over `span` and, when given, over the span it is compared with. */
export async function channelTotals(
  listRollups: ListRollups,
  channelId: string,
  span: { from: number; to: number },
  compared: ComparedSpan | null,
  days: Pick<LocalDays, 'dayOf' | 'hoursIn'>,
): Promise<ChannelTotals> {
  const [cur, prev] = await Promise.all([
    spanEnergy(listRollups, channelId, span, days),
    compared ? spanEnergy(listRollups, channelId, compared, days) : undefined,
  ]);
  const base = {
    unit: cur.unit ?? prev?.unit ?? null,
    basis: cur.basis,
    current: cur.energy,
    coverage: cur.coverage,
  };
  if (!prev)
    return {
      ...base,
      comparison: null,
      comparisonCoverage: null,
      delta: null,
      percent: null,
      partial: false,
    };
  return {
    ...base,
    comparison: prev.energy,
    comparisonCoverage: prev.coverage,
    ...periodDelta(cur.energy, prev.energy),
    partial: prev.coverage < PARTIAL_COVERAGE,
  };
}
