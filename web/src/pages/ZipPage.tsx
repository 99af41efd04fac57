/**
 * Zip codes: energy per area over a chosen span, from the zip-level daily rollups, one section per
 * commodity (electricity, gas, water) with its own chart and table, so that volumes of gas and water
 * are never listed or ranked among kilowatt-hours and each zip code appears once per section. Where
 * tariffs are loaded, each zip code's cost (and, for electricity, CO2) over the span stands beside it.
 */
import { useMemo, useState } from 'react';
import { costsApi } from '../api/costs.ts';
import type { ZipRow } from '../api/types.ts';
import { BarChart } from '../components/BarChart.tsx';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { COMMODITY_TITLE, type CommodityGroup, groupByCommodity } from '../lib/commodity.ts';
import { type ZipCost, fmtCo2, fmtMoney, zipCosts } from '../lib/costs.ts';
import { fmtEnergy, fmtPower } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';

const SPANS = [
  { days: 1, label: 'Last 24 h' },
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 365, label: '1 year' },
] as const;

// Bar colours by commodity: CSS variables, so that the SVG bars follow the theme without a redraw.
const COLOR = {
  electricity: 'var(--chart-1)',
  gas: 'var(--chart-2)',
  water: 'var(--chart-3)',
  other: 'var(--muted)',
} as const;

/** One commodity: its areas as bars (largest first) and as a table. */
function CommoditySection({
  group,
  costs,
}: {
  group: CommodityGroup<ZipRow>;
  costs: ReadonlyMap<string, ZipCost>;
}) {
  const { commodity, unit, rows } = group;
  const costOf = (zip: string) => costs.get(`${zip}|${commodity}`);
  const priced = rows.some((r) => costOf(r.zip));
  const electric = commodity === 'electricity';
  const sorted = useMemo(() => [...rows].sort((a, b) => b.energy - a.energy), [rows]);
  const series = useMemo(
    () => [
      { label: electric ? 'Energy' : 'Volume', values: sorted.map((t) => t.energy), color: COLOR[commodity] },
    ],
    [sorted, electric, commodity],
  );
  const fmt = (v: number) => fmtEnergy(v, unit);
  const title = `${COMMODITY_TITLE[commodity]} (${electric ? 'kWh' : unit})`;
  return (
    <Card title={title}>
      <div data-testid={`zip-${commodity}`} data-unit={unit}>
        <BarChart
          categories={sorted.map((t) => t.zip)}
          series={series}
          format={fmt}
          height={electric ? 240 : 180}
          testId={electric ? 'zip-chart' : `zip-chart-${commodity}`}
        />
        <div className="table-wrap">
          <table className="table" data-testid={electric ? 'zip-table' : `zip-table-${commodity}`}>
            <thead>
              <tr>
                <th>Zip code</th>
                <th className="num">Facilities</th>
                <th className="num">{electric ? 'Energy' : 'Volume'}</th>
                <th className={priced ? 'num wide-only' : 'num'}>Per facility</th>
                {priced ? <th className="num">Cost</th> : null}
                {priced && electric ? <th className="num wide-only">CO₂</th> : null}
                {electric ? <th className="num wide-only">Mean power</th> : null}
                <th className="num wide-only">Days</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((t) => (
                <tr key={t.zip}>
                  <td>{t.zip}</td>
                  <td className="num">{t.facilities}</td>
                  <td className="num">{fmt(t.energy)}</td>
                  <td className={priced ? 'num wide-only' : 'num'}>{fmt(t.perFacility)}</td>
                  {priced ? (
                    <td className="num" data-testid="zip-cost">
                      {fmtMoney(costOf(t.zip)?.cost, costOf(t.zip)?.currency)}
                    </td>
                  ) : null}
                  {priced && electric ? (
                    <td className="num wide-only">{fmtCo2(costOf(t.zip)?.co2)}</td>
                  ) : null}
                  {electric ? (
                    <td className="num wide-only">
                      {t.days.length ? fmtPower(t.energy / (t.days.length * 24)) : '–'}
                    </td>
                  ) : null}
                  <td className="num wide-only">{t.days.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </Card>
  );
}

/** The zip-code view. */
export function ZipPage() {
  const { api } = useApp();
  const [days, setDays] = useState<number>(30);
  const zips = useLoad(() => {
    const now = Date.now();
    return api.zips(now - days * 86_400_000, now + 60_000);
  }, [api, days]);
  const groups = useMemo(() => groupByCommodity(zips.data ?? []), [zips.data]);
  // Costs are optional: without tariffs (or before the batch has priced) the columns stay away.
  const costRows = useLoad(() => {
    const now = Date.now();
    return costsApi(api.http).zips('day', now - days * 86_400_000, now + 60_000);
  }, [api, days]);
  const costs = useMemo(() => zipCosts(costRows.data ?? []), [costRows.data]);

  return (
    <>
      <div className="page-head">
        <h1>Energy by zip code</h1>
        <div className="segmented">
          {SPANS.map((s) => (
            <button key={s.days} className={s.days === days ? 'on' : ''} onClick={() => setDays(s.days)}>
              {s.label}
            </button>
          ))}
        </div>
      </div>
      <ErrorBox error={zips.error} title="Zip-code rollups could not be loaded" />
      {zips.data && groups.length === 0 ? (
        <Muted>No energy recorded in this span yet; rollups appear once the batch layer has run.</Muted>
      ) : null}
      {groups.map((g) => (
        <CommoditySection key={`${g.commodity}-${g.unit}`} group={g} costs={costs} />
      ))}
    </>
  );
}
