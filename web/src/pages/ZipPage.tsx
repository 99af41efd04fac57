/** Zip codes: energy per area over a chosen span (table and bar chart), from the zip-level daily rollups. */
import { useMemo, useState } from 'react';
import { BarChart } from '../components/BarChart.tsx';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { fmtEnergy, fmtPower } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';

const SPANS = [
  { days: 1, label: 'Last 24 h' },
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 365, label: '1 year' },
] as const;

/** The zip-code view. */
export function ZipPage() {
  const { api } = useApp();
  const [days, setDays] = useState<number>(30);
  const zips = useLoad(() => {
    const now = Date.now();
    return api.zips(now - days * 86_400_000, now + 60_000);
  }, [api, days]);
  // Electric energy only; gas and water areas have their own units and are listed below the chart.
  const totals = useMemo(
    () =>
      [...(zips.data ?? [])].sort((a, b) =>
        a.unit === b.unit ? b.energy - a.energy : a.unit === 'Wh' ? -1 : 1,
      ),
    [zips.data],
  );
  const electric = useMemo(() => totals.filter((t) => t.unit === 'Wh'), [totals]);
  const series = useMemo(
    () => [{ label: 'Energy', values: electric.map((t) => t.energy), color: '#0b7a75' }],
    [electric],
  );
  const categories = useMemo(() => electric.map((t) => t.zip), [electric]);

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
      {zips.data && totals.length === 0 ? (
        <Muted>No energy recorded in this span yet; rollups appear once the batch layer has run.</Muted>
      ) : null}
      {totals.length > 0 ? (
        <>
          <Card title="Energy per area">
            <BarChart
              categories={categories}
              series={series}
              format={(v) => fmtEnergy(v)}
              testId="zip-chart"
            />
          </Card>
          <Card title="Areas">
            <div className="table-wrap">
              <table className="table" data-testid="zip-table">
                <thead>
                  <tr>
                    <th>Zip code</th>
                    <th className="num">Facilities</th>
                    <th className="num">Energy</th>
                    <th className="num">Per facility</th>
                    <th className="num">Mean power</th>
                    <th className="num">Days</th>
                  </tr>
                </thead>
                <tbody>
                  {totals.map((t) => (
                    <tr key={`${t.zip}-${t.unit}`}>
                      <td>{t.zip}</td>
                      <td className="num">{t.facilities}</td>
                      <td className="num">{fmtEnergy(t.energy, t.unit)}</td>
                      <td className="num">{fmtEnergy(t.perFacility, t.unit)}</td>
                      <td className="num">
                        {t.unit === 'Wh' && t.days.length ? fmtPower(t.energy / (t.days.length * 24)) : '–'}
                      </td>
                      <td className="num">{t.days.length}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        </>
      ) : null}
    </>
  );
}
