/**
 * Daily, weekly and monthly electric energy of a facility against the period before cut at the same
 * local time (today until now against yesterday until the same time, comparisons.ts), coloured by
 * meaning (less use green, more red, about the same neutral), and, from its hourly rollups, the last 14
 * days as bars and the hour-by-day heat map, both cut into days and hours in the zone the user chose
 * (facility, browser or UTC) and labelled with it.
 */
import { useMemo } from 'react';
import type { Api } from '../api/endpoints.ts';
import type { Facility } from '../api/types.ts';
import { fmtChange, fmtEnergy } from '../lib/format.ts';
import { type SameTimeComparison, sameTimeComparisons } from '../lib/comparisons.ts';
import { lastDaysBars, recentHeatGrid } from '../lib/facility-energy.ts';
import { localDate } from '../lib/periods.ts';
import { useLoad } from '../lib/use-load.ts';
import { useZone } from '../lib/zone-choice.ts';
import { BarChart } from './BarChart.tsx';
import { HeatMap } from './HeatMap.tsx';
import { Card, ErrorBox, Muted, Stat } from './Notice.tsx';
import { ZoneCaption } from './ZoneSwitch.tsx';

const DAY = 86_400_000;

/** Less use reads as good (green), more as bad (red), about the same and no base as neutral. */
const TONE_CLASS = { less: 'down', more: 'up', same: 'flat', none: 'flat' } as const;
const TONE_TEXT = {
  less: 'less energy than the period before up to the same time',
  more: 'more energy than the period before up to the same time',
  same: 'within 5 % of the period before up to the same time',
  none: 'nothing to compare with',
} as const;

/**
 * The energy sections of the facility page. `until` ends them at the facility's last reading when it
 * is older than a day (an imported history): "today" is then the day of that reading, compared up to
 * its time.
 */
export function FacilityEnergy({ api, facility, until }: { api: Api; facility: Facility; until?: number }) {
  const now = useMemo(() => until ?? Date.now(), [until]);
  const past = until !== undefined;
  // Two months and a few days back cover "this month against last month to the same day".
  const days = useLoad(
    () =>
      api.rollups({
        level: 'facility',
        key: facility.id,
        period: 'day',
        from: now - 64 * DAY,
        to: now + DAY,
      }),
    [api, facility.id, now],
  );
  const hours = useLoad(
    () =>
      api.rollups({
        level: 'facility',
        key: facility.id,
        period: 'hour',
        from: now - 29 * DAY,
        to: now + DAY,
      }),
    [api, facility.id, now],
  );
  const { format, caption } = useZone();
  // Hourly electric energy relabelled with the chosen zone's local hours (`YYYY-MM-DDTHH`).
  const zonedHours = useMemo(
    () =>
      (hours.data ?? [])
        .filter((r) => r.unit === 'Wh')
        .map((r) => ({ label: format.hourLabel(r.start), energy: r.energy })),
    [hours.data, format],
  );
  const zonedToday = format.hourLabel(now).slice(0, 10);
  // The facility's local date of `now`, for the period labels of an older history.
  const today = localDate(now, facility.timeZone);
  // Electric energy only: gas and water meters have their own units.
  const electric = useMemo(() => (days.data ?? []).filter((r) => r.unit === 'Wh'), [days.data]);
  const cmp = useMemo(
    () =>
      sameTimeComparisons({
        days: electric,
        hours: (hours.data ?? []).filter((r) => r.unit === 'Wh'),
        now,
        zone: facility.timeZone,
      }),
    [electric, hours.data, now, facility.timeZone],
  );
  const last14 = useMemo(() => lastDaysBars(zonedHours, zonedToday), [zonedHours, zonedToday]);
  const grid = useMemo(() => recentHeatGrid(zonedHours, zonedToday), [zonedHours, zonedToday]);
  const sub = (c: SameTimeComparison, what: string) => (
    <>
      <span className={TONE_CLASS[c.tone]} title={TONE_TEXT[c.tone]} data-tone={c.tone}>
        {fmtChange(c.now, c.prev)}
      </span>{' '}
      vs {what} ({fmtEnergy(c.prev)})
    </>
  );
  return (
    <>
      <Card title="Energy">
        <ErrorBox error={days.error} title="Daily energy could not be loaded" />
        <div className="stats" data-testid="energy-stats">
          <Stat
            label={past ? `Last day, ${today}` : 'Today'}
            value={fmtEnergy(cmp.day.now)}
            sub={sub(cmp.day, past ? 'the day before by that time' : 'yesterday by this time')}
            testId="energy-day"
          />
          <Stat
            label={past ? '7 days to it' : 'Last 7 days'}
            value={fmtEnergy(cmp.week.now)}
            sub={sub(cmp.week, past ? 'the 7 days before, to that time' : 'the 7 days before, to this time')}
          />
          <Stat
            label={past ? `Month ${today.slice(0, 7)}` : 'This month'}
            value={fmtEnergy(cmp.month.now)}
            sub={sub(
              cmp.month,
              past ? 'the month before to that day and time' : 'last month to this day and time',
            )}
          />
        </div>
        <div className="sub">Periods are local days at the facility ({facility.timeZone}).</div>
        {zonedHours.length ? (
          <>
            <BarChart {...last14} format={(v) => fmtEnergy(v)} height={200} testId="daily-chart" />
            <ZoneCaption caption={`${caption}: one bar per day`} testId="daily-zone" />
          </>
        ) : null}
        {days.data && !electric.length ? (
          <Muted>
            No daily rollups yet: they appear once the batch layer has run over this facility's readings.
          </Muted>
        ) : null}
      </Card>
      <Card title={past ? `Hour by day (28 days to ${zonedToday})` : 'Hour by day (last 28 days)'}>
        <ErrorBox error={hours.error} title="Hourly energy could not be loaded" />
        {grid.days.length ? (
          <>
            <HeatMap {...grid} />
            <ZoneCaption caption={`${caption}: rows are days, columns hours`} testId="heatmap-zone" />
          </>
        ) : hours.data ? (
          <Muted>No hourly rollups in these 28 days.</Muted>
        ) : null}
      </Card>
    </>
  );
}
