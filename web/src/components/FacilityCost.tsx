/**
 * Cost and carbon of a facility beside its energy: usage charges and kg CO2 of today, the last 7 days
 * and this month, each against the period before cut at the same local time (as the energy card),
 * the month's bill so far with its fixed charges, the last 14 days' cost, and monthly bills per
 * commodity. Figures come from the batch layer's cost step (src/cost, docs/costs.md).
 */
import { useMemo } from 'react';
import type { Api } from '../api/endpoints.ts';
import { costsApi } from '../api/costs.ts';
import type { Facility } from '../api/types.ts';
import { type SameTimeComparison, sameTimeComparisons } from '../lib/comparisons.ts';
import { byLabel, byStart, currencyOf, fmtCo2, fmtMoney, monthBills } from '../lib/costs.ts';
import { fmtChange } from '../lib/format.ts';
import { addDays, localDate } from '../lib/periods.ts';
import { useLoad } from '../lib/use-load.ts';
import { BarChart } from './BarChart.tsx';
import { Card, ErrorBox, Muted, Stat } from './Notice.tsx';

const DAY = 86_400_000;
const COMMODITIES = ['electricity', 'gas', 'water'] as const;
const TONE = { less: 'down', more: 'up', same: 'flat', none: 'flat' } as const;

/** The cost and carbon card of the facility page; `until` as in FacilityEnergy (an older history). */
export function FacilityCost({ api, facility, until }: { api: Api; facility: Facility; until?: number }) {
  const costs = useMemo(() => costsApi(api.http), [api]);
  const now = useMemo(() => until ?? Date.now(), [until]);
  const key = facility.id;
  const days = useLoad(
    () => costs.costs({ level: 'facility', key, period: 'day', from: now - 64 * DAY, to: now + DAY }),
    [costs, key, now],
  );
  const hours = useLoad(
    () => costs.costs({ level: 'facility', key, period: 'hour', from: now - 9 * DAY, to: now + DAY }),
    [costs, key, now],
  );
  const months = useLoad(
    () => costs.costs({ level: 'facility', key, period: 'month', from: now - 190 * DAY, to: now + DAY }),
    [costs, key, now],
  );
  const zone = facility.timeZone;
  const [money, carbon] = useMemo(() => {
    const compare = (figure: 'energyCost' | 'co2') =>
      sameTimeComparisons({
        days: byLabel(days.data ?? [], figure),
        hours: byStart(hours.data ?? [], figure),
        now,
        zone,
      });
    return [compare('energyCost'), compare('co2')] as const;
  }, [days.data, hours.data, now, zone]);
  const currency = currencyOf(days.data ?? months.data ?? []);
  const bills = useMemo(() => monthBills(months.data ?? []), [months.data]);
  const today = localDate(now, zone);
  const thisMonth = bills.find((b) => b.label === today.slice(0, 7));
  const last14 = useMemo(() => {
    const labels = Array.from({ length: 14 }, (_, i) => addDays(today, i - 13));
    const by = new Map(byLabel(days.data ?? [], 'cost').map((r) => [r.label, r.energy]));
    return {
      categories: labels.map((l) => l.slice(5)),
      series: [{ label: 'Cost', values: labels.map((l) => by.get(l) ?? NaN), color: 'var(--chart-2)' }],
    };
  }, [days.data, today]);
  const sub = (c: SameTimeComparison, what: string, fmt: (v: number) => string) => (
    <>
      <span className={TONE[c.tone]} data-tone={c.tone}>
        {fmtChange(c.now, c.prev)}
      </span>{' '}
      vs {what} ({fmt(c.prev)})
    </>
  );
  const $ = (v: number) => fmtMoney(v, currency);
  const loaded = days.data && months.data;
  const empty = loaded && !days.data?.length && !months.data?.length;
  const past = until !== undefined;
  const labels: Record<'day' | 'week' | 'month', readonly [string, string]> = {
    day: past ? [`Last day, ${today}`, 'the day before by that time'] : ['Today', 'yesterday by this time'],
    week: past ? ['7 days to it', 'the 7 days before'] : ['Last 7 days', 'the 7 days before'],
    month: past
      ? [`Month ${today.slice(0, 7)}`, 'the month before']
      : ['This month', 'last month to this day'],
  };
  return (
    <Card title="Cost and carbon">
      <ErrorBox error={days.error ?? months.error} title="Costs could not be loaded" />
      {empty ? (
        <Muted>
          No costs yet: an administrator loads tariffs (<code>loadscope tariffs import</code>, see
          docs/costs.md), and costs follow at the next batch run.
        </Muted>
      ) : null}
      {loaded && !empty ? (
        <>
          <div className="stats" data-testid="cost-stats">
            {(['day', 'week', 'month'] as const).map((p) => (
              <Stat
                key={p}
                label={`${labels[p][0]}: usage`}
                value={$(money[p].now)}
                sub={sub(money[p], labels[p][1], $)}
                testId={`cost-${p}`}
              />
            ))}
          </div>
          <div className="stats" data-testid="carbon-stats">
            {(['day', 'week', 'month'] as const).map((p) => (
              <Stat
                key={p}
                label={`${labels[p][0]}: CO₂`}
                value={fmtCo2(carbon[p].now)}
                sub={sub(carbon[p], labels[p][1], fmtCo2)}
                testId={`carbon-${p}`}
              />
            ))}
          </div>
          <div className="sub" data-testid="cost-bill">
            Bill for {today.slice(0, 7)} so far: <strong>{$(thisMonth?.total ?? 0)}</strong>, of which{' '}
            {$(thisMonth?.fixed ?? 0)} standing and demand charges. Usage is priced per local hour in{' '}
            {facility.timeZone}; comparisons leave the fixed charges out.
          </div>
          <BarChart {...last14} format={$} height={180} testId="cost-chart" />
          <div className="table-wrap">
            <table className="table" data-testid="cost-months">
              <thead>
                <tr>
                  <th>Month</th>
                  {COMMODITIES.map((c) => (
                    <th key={c} className="num wide-only">
                      {c}
                    </th>
                  ))}
                  <th className="num">Fixed</th>
                  <th className="num">Total</th>
                  <th className="num">CO₂</th>
                </tr>
              </thead>
              <tbody>
                {bills.map((b) => (
                  <tr key={b.label}>
                    <td>{b.label}</td>
                    {COMMODITIES.map((c) => (
                      <td key={c} className="num wide-only">
                        {b.byCommodity[c] === undefined ? '–' : $(b.byCommodity[c])}
                      </td>
                    ))}
                    <td className="num">{$(b.fixed)}</td>
                    <td className="num">{$(b.total)}</td>
                    <td className="num">{fmtCo2(b.co2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </Card>
  );
}
