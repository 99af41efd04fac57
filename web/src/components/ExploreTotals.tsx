/**
 * Explore's totals: each channel's energy in the range and, with a comparison, in the period compared
 * with and the change in the unit and in %. A comparison period that the data covers only in part is
 * flagged in words, since its total (and so the change) then understates it.
 */
import { useMemo } from 'react';
import type { ExploreComparison } from '../api/types.ts';
import { comparisonRange } from '../../../src/util/time/index.ts';
import type { LabelledTotals } from '../lib/explore.ts';
import { type DateRange, fmtChange, fmtEnergy } from '../lib/range-query.ts';
import { zoneFormat } from '../lib/time-zone.ts';
import { Stat } from './Notice.tsx';

/** Props of {@link ExploreTotals}. */
export interface ExploreTotalsProps {
  totals: LabelledTotals[];
  comparison: ExploreComparison | null;
  /** The local days shown, when the view is whole days (else a zoomed-in span). */
  days: DateRange | undefined;
  zone: string;
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** The totals row under explore's range picker. */
export function ExploreTotals({ totals, comparison, days, zone }: ExploreTotalsProps) {
  const format = useMemo(() => zoneFormat(zone), [zone]);
  const against = !comparison
    ? ''
    : days
      ? ((r) => `${r.from} – ${r.to}`)(comparisonRange(days, comparison.cmp))
      : `${format.dateTime(comparison.from)} → ${format.dateTime(comparison.to)}`;
  const partial = totals.filter((t) => t.totals.partial);
  return (
    <div data-testid="explore-totals">
      <div className="stats">
        {totals.map(({ channelId, label, totals: t }) => (
          <Stat
            key={channelId}
            testId="explore-total"
            label={label}
            value={t.unit === null && t.current === 0 ? '–' : fmtEnergy(t.current, t.unit)}
            sub={
              t.delta !== null
                ? `${fmtChange(t.delta, t.percent, t.unit)} vs ${against}`
                : t.coverage < 0.9
                  ? `data for ${pct(t.coverage)} of the range`
                  : undefined
            }
          />
        ))}
      </div>
      {partial.length ? (
        <div className="notice warn" role="status" data-testid="explore-partial">
          The period compared with ({against}) is only partly covered by data:{' '}
          {partial.map((p) => `${p.label} ${pct(p.totals.comparisonCoverage ?? 0)}`).join(', ')}. Its total,
          and so the change, understate it.
        </div>
      ) : null}
      <div className="range-note">
        Energy from the {totals[0]?.totals.basis === 'day' ? 'daily' : 'hourly'} rollups
        {days ? `, local days in ${zone}` : ''}
        {comparison ? '; the dashed lines are the period compared with, laid over this one' : ''}
      </div>
    </div>
  );
}
