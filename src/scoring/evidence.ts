import type { Evidence, FacilityData } from './types.ts';

/** Mean power (W) by local hour of day, for weekdays and weekend days: the chart most products show. */
export function hourProfileSeries(
  d: Pick<FacilityData, 'hourly' | 'hourOfDay' | 'weekday'>,
): Evidence['series'] {
  const sums = [new Float64Array(24), new Float64Array(24)];
  const counts = [new Uint32Array(24), new Uint32Array(24)];
  for (let i = 0; i < d.hourly.length; i++) {
    const e = d.hourly[i] as number;
    if (!Number.isFinite(e)) continue;
    const g = (d.weekday[i] as number) < 5 ? 0 : 1;
    const h = d.hourOfDay[i] as number;
    const sum = sums[g] as Float64Array;
    const count = counts[g] as Uint32Array;
    sum[h] = (sum[h] as number) + e;
    count[h] = (count[h] as number) + 1;
  }
  const hours = Array.from({ length: 24 }, (_, h) => h);
  return ['weekday', 'weekend'].map((name, g) => ({
    name: `${name} mean power by hour`,
    unit: 'W',
    kind: 'line' as const,
    x: hours,
    y: hours.map((h) => {
      const n = (counts[g] as Uint32Array)[h] as number;
      return n ? Math.round(((sums[g] as Float64Array)[h] as number) / n) : 0;
    }),
  }));
}

/** Energy per local day (kWh), as a bar series keyed by day index from the first hour. */
export function dailySeries(d: Pick<FacilityData, 'hourly' | 'start'>): Evidence['series'][number] {
  const days = Math.ceil(d.hourly.length / 24);
  const x: number[] = [];
  const y: number[] = [];
  for (let day = 0; day < days; day++) {
    let s = 0;
    let n = 0;
    for (let i = day * 24; i < Math.min(d.hourly.length, day * 24 + 24); i++) {
      const e = d.hourly[i] as number;
      if (Number.isFinite(e)) {
        s += e;
        n++;
      }
    }
    if (n === 0) continue;
    x.push(d.start + day * 86_400_000);
    y.push(Math.round((s / n) * 24) / 1000);
  }
  return { name: 'energy per day', unit: 'kWh', kind: 'bar', x, y };
}
