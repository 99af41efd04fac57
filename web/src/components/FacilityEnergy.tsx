/** Daily, weekly and monthly energy of a facility with the previous period, the last 14 days as bars, and the hour-by-day heat map. */
import { useMemo } from 'react';
import type { Api } from '../api/endpoints.ts';
import type { Facility } from '../api/types.ts';
import { fmtChange, fmtEnergy } from '../lib/format.ts';
import { addDays, heatGrid, localDate, periodComparisons } from '../lib/periods.ts';
import { useLoad } from '../lib/use-load.ts';
import { BarChart } from './BarChart.tsx';
import { HeatMap } from './HeatMap.tsx';
import { Card, ErrorBox, Muted, Stat } from './Notice.tsx';

const DAY = 86_400_000;

/** The energy sections of the facility page. */
export function FacilityEnergy({ api, facility }: { api: Api; facility: Facility }) {
  const now = useMemo(() => Date.now(), []);
  // Two months and two days back cover "this month against last month to the same day".
  const days = useLoad(
    () => api.rollups({ level: 'facility', period: 'day', facilityId: facility.id, from: now - 64 * DAY }),
    [api, facility.id, now],
  );
  const hours = useLoad(
    () => api.rollups({ level: 'facility', period: 'hour', facilityId: facility.id, from: now - 28 * DAY }),
    [api, facility.id, now],
  );
  const today = localDate(now, facility.timeZone);
  const cmp = useMemo(() => periodComparisons(days.data ?? [], today), [days.data, today]);
  const last14 = useMemo(() => {
    const labels = Array.from({ length: 14 }, (_, i) => addDays(today, i - 13));
    const by = new Map<string, number>();
    for (const r of days.data ?? []) by.set(r.label, (by.get(r.label) ?? 0) + r.energy);
    return {
      labels: labels.map((l) => l.slice(5)),
      series: [{ label: 'Energy', values: labels.map((l) => by.get(l) ?? NaN), color: '#0b7a75' }],
    };
  }, [days.data, today]);
  const grid = useMemo(() => heatGrid(hours.data ?? []), [hours.data]);
  const unit = days.data?.[0]?.unit ?? 'Wh';
  const sub = (c: { now: number; prev: number }, what: string) => (
    <>
      <span className={c.now > c.prev ? 'up' : 'down'}>{fmtChange(c.now, c.prev)}</span> vs {what} (
      {fmtEnergy(c.prev, unit)})
    </>
  );
  return (
    <>
      <Card title="Energy">
        <ErrorBox error={days.error} title="Daily energy could not be loaded" />
        <div className="stats" data-testid="energy-stats">
          <Stat label="Today" value={fmtEnergy(cmp.day.now, unit)} sub={sub(cmp.day, 'yesterday')} />
          <Stat
            label="Last 7 days"
            value={fmtEnergy(cmp.week.now, unit)}
            sub={sub(cmp.week, 'the 7 days before')}
          />
          <Stat
            label="This month"
            value={fmtEnergy(cmp.month.now, unit)}
            sub={sub(cmp.month, 'last month to date')}
          />
        </div>
        {days.data?.length ? (
          <BarChart
            categories={last14.labels}
            series={last14.series}
            format={(v) => fmtEnergy(v, unit)}
            height={200}
            testId="daily-chart"
          />
        ) : null}
        {days.data && !days.data.length ? (
          <Muted>
            No daily rollups yet: they appear once the batch layer has run over this facility's readings.
          </Muted>
        ) : null}
      </Card>
      <Card title="Hour by day">
        <ErrorBox error={hours.error} title="Hourly energy could not be loaded" />
        {grid.days.length ? (
          <HeatMap {...grid} />
        ) : hours.data ? (
          <Muted>No hourly rollups in the last 28 days.</Muted>
        ) : null}
      </Card>
    </>
  );
}
