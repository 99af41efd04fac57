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

/** Energy per week (kWh, scaled up over missing hours), as a bar series keyed by the week's first hour (UTC ms). */
export function weeklySeries(d: Pick<FacilityData, 'hourly' | 'start'>): Evidence['series'][number] {
  const weekHours = 24 * 7;
  const x: number[] = [];
  const y: number[] = [];
  for (let w = 0; w * weekHours < d.hourly.length; w++) {
    let s = 0;
    let n = 0;
    const end = Math.min(d.hourly.length, (w + 1) * weekHours);
    for (let i = w * weekHours; i < end; i++) {
      const e = d.hourly[i] as number;
      if (Number.isFinite(e)) {
        s += e;
        n++;
      }
    }
    if (n === 0) continue;
    x.push(d.start + w * weekHours * 3_600_000);
    y.push(Math.round((s / n) * weekHours) / 1000);
  }
  return { name: 'energy per week', unit: 'kWh', kind: 'bar', x, y };
}
