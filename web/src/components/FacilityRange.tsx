/**
 * Any range of the facility's local days (issue 16, item 4): presets, a calendar (native date inputs:
 * keyboard and screen-reader friendly, a phone's own picker at 390 px), a comparison with the period
 * before or the same dates a year earlier, and the change stated in kWh and %. The URL keeps
 * `from`, `to` and `cmp`, so a view can be shared and reloaded.
 */
import { localDate } from '../../../src/util/time/index.ts';
import type { Api } from '../api/endpoints.ts';
import type { Facility } from '../../../src/domain/types.ts';
import {
  type Comparison,
  type DateRange,
  fmtChange,
  fmtEnergy,
  presetRange,
  problemText,
  readRangeQuery,
  writeRangeQuery,
} from '../lib/range-query.ts';
import { navigate, useLocation } from '../lib/router.ts';
import { useLoad } from '../lib/use-load.ts';
import { Card, ErrorBox, Muted, Stat } from './Notice.tsx';
import { RangePicker } from './RangePicker.tsx';

const kwh = (wh: number) => fmtEnergy(wh, 'Wh');

/** The change line: `+1.0 kWh (+0.6 %) vs 2024-03-25 – 2024-03-31`. */
function change(delta: number | null, percent: number | null, against: DateRange): string {
  if (delta === null) return '';
  return `${fmtChange(delta, percent, 'Wh')} vs ${against.from} – ${against.to}`;
}

/** The range card of the facility page. */
export function FacilityRange({ api, facility }: { api: Api; facility: Facility }) {
  const { path, query } = useLocation();
  const today = localDate(Date.now(), facility.timeZone);
  const asked = readRangeQuery(query);
  const range = asked.range?.kind === 'days' ? asked.range.days : presetRange('last-7-days', today);
  const cmp = asked.range ? asked.cmp : 'prev';
  const go = (r: DateRange, c: Comparison | undefined) =>
    navigate(`${path}?${writeRangeQuery(query, { kind: 'days', days: r }, c)}`);
  const data = useLoad(
    () => api.range(facility.id, range.from, range.to, cmp),
    [api, facility.id, range.from, range.to, cmp],
  );
  const wh = data.data?.totals.find((t) => t.unit === 'Wh');
  const max = Math.max(1, ...(data.data?.days ?? []).filter((d) => d.unit === 'Wh').map((d) => d.energy));
  return (
    <Card title="Energy in a range">
      <RangePicker days={range} today={today} cmp={cmp} onChange={go} />
      {asked.problem ? (
        <div className="notice error" role="alert">
          {problemText(asked.problem, 'the last 7 days')}
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
