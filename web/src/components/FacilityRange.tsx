/**
 * Any range of the facility's local days (issue 16, item 4): presets, a calendar (native date inputs:
 * keyboard and screen-reader friendly, a phone's own picker at 390 px), a comparison with the period
 * before or the same dates a year earlier, and the change stated in kWh and %. The URL keeps
 * `from`, `to` and `cmp`, so a view can be shared and reloaded.
 */
import { useState } from 'react';
import {
  type Comparison,
  type DateRange,
  localDate,
  parseRangeParams,
  presetRange,
  RANGE_PRESETS,
  type RangePreset,
} from '../../../src/util/time/index.ts';
import type { Api } from '../api/endpoints.ts';
import type { Facility } from '../../../src/domain/types.ts';
import { navigate, useLocation } from '../lib/router.ts';
import { useLoad } from '../lib/use-load.ts';
import { Card, ErrorBox, Muted, Stat } from './Notice.tsx';

const PRESET_NAMES: Record<RangePreset, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  'last-7-days': 'Last 7 days',
  'last-30-days': 'Last 30 days',
  'this-month': 'This month',
  'last-month': 'Last month',
  'this-year': 'This year',
  'last-year': 'Last year',
};

const kwh = (wh: number) => `${(wh / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} kWh`;

/** The change line: `+1.0 kWh (+0.6 %) vs 2024-03-25 – 2024-03-31`. */
function change(delta: number | null, percent: number | null, against: DateRange): string {
  if (delta === null) return '';
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const pct = percent === null ? 'no earlier data' : `${sign}${Math.abs(percent).toFixed(1)} %`;
  return `${sign}${kwh(Math.abs(delta))} (${pct}) vs ${against.from} – ${against.to}`;
}

/** The range card of the facility page. */
export function FacilityRange({ api, facility }: { api: Api; facility: Facility }) {
  const { path, query } = useLocation();
  const today = localDate(Date.now(), facility.timeZone);
  const parsed = query.has('from') ? parseRangeParams(Object.fromEntries(query)) : undefined;
  const range = parsed?.ok ? parsed.range : presetRange('last-7-days', today);
  const cmp = parsed?.ok ? parsed.cmp : 'prev';
  const [draft, setDraft] = useState<DateRange | undefined>(undefined);
  const go = (r: DateRange, c: Comparison | undefined) => {
    const q = new URLSearchParams(query);
    q.set('from', r.from);
    q.set('to', r.to);
    if (c) q.set('cmp', c);
    else q.delete('cmp');
    setDraft(undefined);
    navigate(`${path}?${q.toString()}`, true);
  };
  const data = useLoad(
    () => api.range(facility.id, range.from, range.to, cmp),
    [api, facility.id, range.from, range.to, cmp],
  );
  const shown = draft ?? range;
  const preset = RANGE_PRESETS.find((p) => {
    const r = presetRange(p, today);
    return r.from === range.from && r.to === range.to;
  });
  const wh = data.data?.totals.find((t) => t.unit === 'Wh');
  const max = Math.max(1, ...(data.data?.days ?? []).filter((d) => d.unit === 'Wh').map((d) => d.energy));
  return (
    <Card title="Energy in a range">
      <form
        className="range-picker"
        data-testid="range-picker"
        onSubmit={(e) => {
          e.preventDefault();
          const p = parseRangeParams(shown);
          if (p.ok) go(p.range, cmp);
        }}
      >
        <label>
          Range
          <select
            data-testid="range-preset"
            value={preset ?? 'custom'}
            onChange={(e) => {
              if (e.target.value !== 'custom') go(presetRange(e.target.value as RangePreset, today), cmp);
            }}
          >
            {RANGE_PRESETS.map((p) => (
              <option key={p} value={p}>
                {PRESET_NAMES[p]}
              </option>
            ))}
            <option value="custom">Custom</option>
          </select>
        </label>
        <label>
          From
          <input
            type="date"
            data-testid="range-from"
            value={shown.from}
            max={shown.to}
            onChange={(e) => setDraft({ ...shown, from: e.target.value })}
          />
        </label>
        <label>
          To
          <input
            type="date"
            data-testid="range-to"
            value={shown.to}
            min={shown.from}
            onChange={(e) => setDraft({ ...shown, to: e.target.value })}
          />
        </label>
        <label>
          Compare with
          <select
            data-testid="range-cmp"
            value={cmp ?? 'none'}
            onChange={(e) =>
              go(range, e.target.value === 'none' ? undefined : (e.target.value as Comparison))
            }
          >
            <option value="prev">the period before</option>
            <option value="year">a year earlier</option>
            <option value="none">nothing</option>
          </select>
        </label>
        <button type="submit" className="button" disabled={!draft} data-testid="range-apply">
          Show
        </button>
      </form>
      {parsed && !parsed.ok ? (
        <div className="notice error" role="alert">
          The link's {parsed.field}: {parsed.message}; showing the last 7 days.
        </div>
      ) : null}
      <ErrorBox error={data.error} title="The range could not be loaded" />
      {data.data ? (
        <>
          <div className="stats" data-testid="range-stats">
            <Stat
              label={`${range.from} – ${range.to}`}
              value={wh ? kwh(wh.current) : '–'}
              sub={
                wh && data.data.comparison ? change(wh.delta, wh.percent, data.data.comparison) : undefined
              }
              testId="range-total"
            />
          </div>
          <table className="range-days" data-testid="range-days">
            <tbody>
              {data.data.days
                .filter((d) => d.unit === 'Wh')
                .slice(-31)
                .map((d) => (
                  <tr key={d.label}>
                    <td>{d.label}</td>
                    <td className="bar-cell">
                      <span className="bar" style={{ width: `${(d.energy / max) * 100}%` }} />
                    </td>
                    <td className="num">{kwh(d.energy)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          <div className="range-note">
            {facility.timeZone} local days; a chart of this range reads at {data.data.resolution}s
          </div>
        </>
      ) : data.error ? null : (
        <Muted>Loading…</Muted>
      )}
    </Card>
  );
}
