/**
 * Cost and carbon of the whole fleet beside its energy: usage charges and kg CO2 of today, the last 7
 * days and this month against the period before (whole local days of each facility, cut at the same
 * time of day in the facilities' zone), and the facilities with the highest bill this month.
 */
import { useMemo } from 'react';
import type { Api } from '../api/endpoints.ts';
import { costsApi } from '../api/costs.ts';
import { type SameTimeComparison, sameTimeComparisons } from '../lib/comparisons.ts';
import { byLabel, currencyOf, fmtCo2, fmtMoney } from '../lib/costs.ts';
import { fmtChange } from '../lib/format.ts';
import { localDate } from '../lib/periods.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link } from './Layout.tsx';
import { Card, ErrorBox, Muted, Stat } from './Notice.tsx';

const DAY = 86_400_000;
const TONE = { less: 'down', more: 'up', same: 'flat', none: 'flat' } as const;
const TOP = 8;

/**
 * The fleet page's cost and carbon card; `names` are the facilities' display names, `zone` the time
 * zone whose clock cuts the comparisons (the facilities', else the browser's).
 */
export function FleetCost({
  api,
  names,
  zone: given,
}: {
  api: Api;
  names: ReadonlyMap<string, string>;
  zone?: string;
}) {
  const costs = useMemo(() => costsApi(api.http), [api]);
  const now = useMemo(() => Date.now(), []);
  const days = useLoad(() => costs.fleet('day', now - 64 * DAY, now + DAY), [costs, now]);
  const zone = useMemo(() => given ?? Intl.DateTimeFormat().resolvedOptions().timeZone, [given]);
  const rows = useMemo(() => days.data ?? [], [days.data]);
  const [money, carbon] = useMemo(() => {
    const compare = (figure: 'energyCost' | 'co2') =>
      sameTimeComparisons({ days: byLabel(rows, figure), hours: [], now, zone });
    return [compare('energyCost'), compare('co2')] as const;
  }, [rows, now, zone]);
  const currency = currencyOf(rows);
  const month = localDate(now, zone).slice(0, 7);
  const top = useMemo(() => {
    const by = new Map<string, { cost: number; co2: number | null }>();
    for (const r of rows) {
      if (!r.label.startsWith(month)) continue;
      const t = by.get(r.key) ?? { cost: 0, co2: null };
      t.cost += r.cost;
      if (r.co2 !== null) t.co2 = (t.co2 ?? 0) + r.co2;
      by.set(r.key, t);
    }
    return [...by].sort((a, b) => b[1].cost - a[1].cost);
  }, [rows, month]);
  const $ = (v: number) => fmtMoney(v, currency);
  const sub = (c: SameTimeComparison, what: string, fmt: (v: number) => string) => (
    <>
      <span className={TONE[c.tone]} data-tone={c.tone}>
        {fmtChange(c.now, c.prev)}
      </span>{' '}
      vs {what} ({fmt(c.prev)})
    </>
  );
  const what = { day: 'yesterday', week: 'the 7 days before', month: 'last month to this day' } as const;
  const title = { day: 'Today', week: 'Last 7 days', month: 'This month' } as const;
  return (
    <Card title="Cost and carbon">
      <ErrorBox error={days.error} title="Costs could not be loaded" />
      {days.data && !rows.length ? (
        <Muted>
          No costs yet: an administrator loads tariffs (<code>loadscope tariffs import</code>, see
          docs/costs.md), and costs follow at the next batch run.
        </Muted>
      ) : null}
      {rows.length ? (
        <>
          <div className="stats" data-testid="fleet-cost-stats">
            {(['day', 'week', 'month'] as const).map((p) => (
              <Stat
                key={p}
                label={`${title[p]}: usage`}
                value={$(money[p].now)}
                sub={sub(money[p], what[p], $)}
                testId={`fleet-cost-${p}`}
              />
            ))}
            <Stat
              label="This month: CO₂"
              value={fmtCo2(carbon.month.now)}
              sub={sub(carbon.month, what.month, fmtCo2)}
              testId="fleet-carbon-month"
            />
          </div>
          <div className="sub">
            Today, 7 days and month: usage charges of each facility's local days, against the period before
            cut at the same time of day ({zone}). The highest bills include standing and demand charges.
          </div>
          <div className="table-wrap">
            <table className="table" data-testid="fleet-cost-top">
              <thead>
                <tr>
                  <th>Highest bills, {month}</th>
                  <th className="num">Cost so far</th>
                  <th className="num">CO₂</th>
                </tr>
              </thead>
              <tbody>
                {top.slice(0, TOP).map(([id, t]) => (
                  <tr key={id}>
                    <td>
                      <Link to={`/facilities/${encodeURIComponent(id)}`}>{names.get(id) ?? id}</Link>
                    </td>
                    <td className="num">{$(t.cost)}</td>
                    <td className="num">{fmtCo2(t.co2)}</td>
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
