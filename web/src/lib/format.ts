/** Number and time formatting shared by the pages (SI prefixes, local times). */

/** Power in W with a k/M prefix, e.g. `1.23 kW`. */
export function fmtPower(w: number | null | undefined): string {
  if (w === null || w === undefined || !Number.isFinite(w)) return '–';
  const a = Math.abs(w);
  if (a >= 1e6) return `${(w / 1e6).toFixed(2)} MW`;
  if (a >= 1e3) return `${(w / 1e3).toFixed(2)} kW`;
  return `${w.toFixed(0)} W`;
}

/** Energy in Wh (or a volume unit) with a k/M prefix for Wh, e.g. `12.3 kWh`. */
export function fmtEnergy(v: number | null | undefined, unit = 'Wh'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (unit !== 'Wh') return `${v.toFixed(2)} ${unit}`;
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)} MWh`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)} kWh`;
  return `${v.toFixed(0)} Wh`;
}

/** A value in a channel's unit (power units get prefixes). */
export function fmtValue(v: number, unit: string): string {
  return unit === 'W' ? fmtPower(v) : unit === 'Wh' ? fmtEnergy(v) : `${v.toFixed(2)} ${unit}`;
}

/** A relative change as `+12 %` / `−5 %`, or `–` without a base. */
export function fmtChange(now: number, before: number): string {
  if (!Number.isFinite(before) || before === 0) return '–';
  const pct = ((now - before) / Math.abs(before)) * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(0)} %`;
}

/** Local date and time, seconds included, e.g. `2026-11-25 14:03:07`. */
export function fmtTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** How long ago, e.g. `3 s ago`, `5 min ago`. */
export function fmtAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}
