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

/** One zip code's totals. */
interface ZipTotal {
  zip: string;
  energy: number;
  days: number;
  facilities: number;
  meanPower: number | null;
}

/** The zip-code view. */
export function ZipPage() {
  const { api } = useApp();
  const [days, setDays] = useState<number>(30);
  const zips = useLoad(
    () => api.rollups({ level: 'zip', period: 'day', from: Date.now() - days * 86_400_000 }),
    [api, days],
  );
  const facilities = useLoad(() => api.facilities(), [api]);
  const totals = useMemo<ZipTotal[]>(() => {
    const by = new Map<string, ZipTotal & { powerSum: number; powerN: number }>();
    for (const r of zips.data ?? []) {
      const t = by.get(r.key) ?? {
        zip: r.key,
        energy: 0,
        days: 0,
        facilities: 0,
        meanPower: null,
        powerSum: 0,
        powerN: 0,
      };
      t.energy += r.energy;
      t.days += 1;
      if (r.meanPower !== null) {
        t.powerSum += r.meanPower;
        t.powerN += 1;
      }
      by.set(r.key, t);
    }
    for (const f of facilities.data ?? []) {
      const t = f.zip ? by.get(f.zip) : undefined;
      if (t) t.facilities += 1;
    }
    return [...by.values()]
      .map((t) => ({
        zip: t.zip,
        energy: t.energy,
        days: t.days,
        facilities: t.facilities,
        meanPower: t.powerN ? t.powerSum / t.powerN : null,
      }))
      .sort((a, b) => b.energy - a.energy);
  }, [zips.data, facilities.data]);
  const series = useMemo(
    () => [{ label: 'Energy', values: totals.map((t) => t.energy), color: '#0b7a75' }],
    [totals],
  );
  const categories = useMemo(() => totals.map((t) => t.zip), [totals]);

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
                  </tr>
                </thead>
                <tbody>
                  {totals.map((t) => (
                    <tr key={t.zip}>
                      <td>{t.zip}</td>
                      <td className="num">{t.facilities || '–'}</td>
                      <td className="num">{fmtEnergy(t.energy)}</td>
                      <td className="num">{t.facilities ? fmtEnergy(t.energy / t.facilities) : '–'}</td>
                      <td className="num">{fmtPower(t.meanPower)}</td>
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
