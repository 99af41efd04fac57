/**
 * Explore: choose channels, a time range and an aggregation, overlay them, zoom from a year to a
 * second (every zoom refetches with one min/max bucket per pixel, computed by the database), export
 * CSV. The status line says how many readings the shown buckets cover and how long the query took.
 * Any range of local days (issue 16, item 4): presets and a calendar, read at the resolution the API
 * suggests for its length, compared with the period before or a year earlier as dashed series laid
 * over it, with each channel's energy in both. The URL holds range, comparison and zoom
 * (`?from=&to=&cmp=`), so a pasted link reopens the view and back/forward step through it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Channel } from '../api/types.ts';
import { ChannelPicker } from '../components/ChannelPicker.tsx';
import { ExploreChart } from '../components/ExploreChart.tsx';
import { RangeInputs, RangeText } from '../components/ExploreRange.tsx';
import { ExploreTotals } from '../components/ExploreTotals.tsx';
import { RangePicker } from '../components/RangePicker.tsx';
import { ZoneSwitch } from '../components/ZoneSwitch.tsx';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { distinctNames } from '../lib/facility-names.ts';
import {
  AGGREGATIONS,
  type Aggregation,
  chooseAgg,
  exploreView,
  type ExploreView,
  toCsv,
} from '../lib/explore.ts';
import {
  type Comparison,
  type DateRange,
  problemText,
  rangeSpan,
  readRangeQuery,
  spanDates,
  type UrlRange,
  writeRangeQuery,
} from '../lib/range-query.ts';
import { localDate } from '../../../src/util/time/index.ts';
import { browserZone, resolveZone } from '../lib/time-zone.ts';
import { loadCatalog } from '../lib/catalog.ts';
import { navigate, useLocation } from '../lib/router.ts';
import { viewEnd } from '../lib/data-extent.ts';
import { useLastReading } from '../lib/use-last-reading.ts';
import { useLoad } from '../lib/use-load.ts';
import { FacilityZones, useZoneChoice } from '../lib/zone-choice.ts';

const PRESETS = [
  { label: '1 h', ms: 3_600_000 },
  { label: '24 h', ms: 86_400_000 },
  { label: '7 d', ms: 7 * 86_400_000 },
  { label: '30 d', ms: 30 * 86_400_000 },
  { label: '1 y', ms: 365 * 86_400_000 },
] as const;
const MIN_SPAN = 1000;
const DAY = 86_400_000;

/** The explore page. */
export function ExplorePage() {
  const { api } = useApp();
  const { query } = useLocation();
  const selected = useMemo(() => (query.get('channels') ?? '').split(',').filter(Boolean), [query]);
  const asked = useMemo(() => readRangeQuery(query, { spans: true }), [query]);
  const cmp = asked.cmp;
  // Without a range in the URL: the last day (of the data when it is older, see below).
  const [fallback, setFallback] = useState(() => ({ from: Date.now() - DAY, to: Date.now() }));
  const [overlay, setOverlay] = useState(true);
  const history = useRef<{ from: number; to: number }[]>([]);
  const catalog = useLoad(async () => loadCatalog(api, await api.facilities()), [api]);
  const channels = useMemo(
    () =>
      new Map<string, Channel>(
        (catalog.data ?? []).flatMap((d) => d.channels.map((c) => [c.id, c] as const)),
      ),
    [catalog.data],
  );
  const facilityNames = useMemo(
    () => distinctNames((catalog.data ?? []).map((d) => d.facility)),
    [catalog.data],
  );
  const facilityOf = useMemo(
    () =>
      new Map<string, string>(
        (catalog.data ?? []).flatMap((d) =>
          d.channels.map((c) => [c.id, facilityNames.get(d.facility.id) ?? d.facility.name] as const),
        ),
      ),
    [catalog.data, facilityNames],
  );

  // "Facility time" on this page: the zone of the first chosen channel's facility.
  const zones = useMemo(() => {
    const first = (catalog.data ?? []).find((d) => d.channels.some((c) => c.id === selected[0]));
    return { zone: first?.facility.timeZone };
  }, [catalog.data, selected]);
  // Local days of a range are days of the zone the user chose.
  const [choice] = useZoneChoice();
  const zone = resolveZone(choice, zones.zone, browserZone());
  const range = useMemo(
    () => (asked.range ? rangeSpan(asked.range, zone) : fallback),
    [asked.range, zone, fallback],
  );
  const wholeDays = asked.range?.kind === 'days';
  const aggChoice = chooseAgg(query.get('agg'), range.to - range.from, wholeDays);
  const agg = aggChoice.agg;
  const today = localDate(Date.now(), zone);
  const pickerDays: DateRange = asked.range?.kind === 'days' ? asked.range.days : spanDates(range, zone);

  /** Puts a range in the URL (a new history entry, so back returns to the one before). */
  const current = useRef({ query, range, cmp });
  current.current = { query, range, cmp };
  const goTo = useCallback((r: UrlRange, c: Comparison | undefined, dropAgg = false) => {
    const q = new URLSearchParams(current.current.query);
    if (dropAgg) q.delete('agg');
    navigate(`/explore?${writeRangeQuery(q, r, c)}`);
  }, []);
  const setAgg = (a: Aggregation) => {
    const q = new URLSearchParams(query);
    q.set('agg', a);
    navigate(`/explore?${q.toString()}`, true);
  };

  // Opened without a range: show the last day of the chosen channels' data when it is not the present
  // (an imported history), once, as soon as their extents are known.
  const lastTs = useLastReading(api, catalog.data, selected);
  const placed = useRef(query.has('from') || query.has('to'));
  useEffect(() => {
    if (placed.current || lastTs === undefined || !selected.length) return;
    placed.current = true;
    const now = Date.now();
    const end = viewEnd(lastTs, now, DAY);
    if (end !== now) setFallback({ from: end - DAY, to: end });
  }, [lastTs, selected.length]);
  /** The end of a preset span: now, or the last reading when the span ending now would miss it. */
  const presetEnd = (ms: number) => viewEnd(lastTs, Date.now(), ms);

  const setSelected = (ids: string[]) => {
    const q = new URLSearchParams(query);
    if (ids.length) q.set('channels', ids.join(','));
    else q.delete('channels');
    navigate(`/explore?${q.toString()}`, true);
  };
  const zoomTo = useCallback(
    (from: number, to: number) => {
      if (to - from < MIN_SPAN) {
        const mid = (from + to) / 2;
        from = Math.floor(mid - MIN_SPAN / 2);
        to = from + MIN_SPAN;
      }
      history.current.push(current.current.range);
      goTo({ kind: 'span', from, to }, current.current.cmp);
    },
    [goTo],
  );
  const zoomOut = useCallback(() => {
    const r = current.current.range;
    const prev = history.current.pop() ?? { from: r.from - (r.to - r.from), to: r.to + (r.to - r.from) };
    goTo({ kind: 'span', ...prev }, current.current.cmp);
  }, [goTo]);

  // Fetch: one request per channel, buckets sized to the chart's width in pixels.
  const [result, setResult] = useState<ExploreView & { ms: number }>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(false);
  // performance.now() of the newest request: with the chart's data-drawn-at it times request-to-drawn.
  const [requestedAt, setRequestedAt] = useState<number>();
  const chartBox = useRef<HTMLDivElement>(null);
  const seq = useRef(0);
  useEffect(() => {
    const ids = selected.filter((id) => channels.has(id));
    if (!ids.length) {
      setResult(undefined);
      return;
    }
    const mine = ++seq.current;
    const pixels = Math.max(200, Math.min(10_000, Math.round(chartBox.current?.clientWidth ?? 1200)));
    const t0 = performance.now();
    setRequestedAt(t0);
    setLoading(true);
    api
      .explore({
        channels: ids,
        from: range.from,
        to: range.to,
        agg,
        width: pixels,
        cmp: cmp ?? 'none',
        tz: zone,
      })
      .then(
        (res) => {
          if (mine !== seq.current) return;
          const view = exploreView(res, (s) => {
            const c = channels.get(s.channelId);
            const name = c ? (c.isMains ? 'mains' : (c.appliance ?? c.name)) : s.channelId;
            return { label: `${facilityOf.get(s.channelId) ?? ''} · ${name}`, unit: c?.unit ?? s.unit ?? '' };
          });
          setResult({ ...view, ms: performance.now() - t0 });
          setError(undefined);
          setLoading(false);
        },
        (err: unknown) => {
          if (mine !== seq.current) return;
          setError(err instanceof Error ? err : new Error(String(err)));
          setLoading(false);
        },
      );
  }, [api, selected, channels, facilityOf, range, agg, cmp, zone]);

  const download = () => {
    if (!result) return;
    const url = URL.createObjectURL(new Blob([toCsv(result.series)], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `loadscope-${new Date(range.from).toISOString().slice(0, 19)}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const groups =
    overlay || !result
      ? result
        ? [result.series]
        : []
      : result.series
          .filter((s) => !s.compared)
          .map((s) => result.series.filter((x) => x.channelId === s.channelId));

  return (
    <FacilityZones.Provider value={zones}>
      <div className="page-head">
        <h1>Explore</h1>
        <ZoneSwitch />
      </div>
      <div className="explore">
        <Card title="Channels">
          <ErrorBox error={catalog.error} title="Channels could not be loaded" />
          {catalog.data ? (
            <ChannelPicker
              catalog={catalog.data}
              names={facilityNames}
              selected={selected}
              onChange={setSelected}
            />
          ) : (
            <Muted>Loading…</Muted>
          )}
        </Card>
        <div>
          <Card title="Range and aggregation">
            <RangePicker
              days={pickerDays}
              today={today}
              cmp={cmp}
              custom={!wholeDays}
              onChange={(days, c) => goTo({ kind: 'days', days }, c, true)}
            />
            {asked.problem ? (
              <div className="notice error" role="alert" data-testid="explore-problem">
                {problemText(asked.problem, 'the last day')}
              </div>
            ) : null}
            {aggChoice.problem ? (
              <div className="notice error" role="alert" data-testid="explore-agg-problem">
                {aggChoice.problem}
              </div>
            ) : null}
            <div className="filters">
              <div className="segmented">
                {PRESETS.map((p) => (
                  <button key={p.label} onClick={() => zoomTo(presetEnd(p.ms) - p.ms, presetEnd(p.ms))}>
                    {p.label}
                  </button>
                ))}
              </div>
              <RangeInputs range={range} onRange={zoomTo} />
              <select
                value={agg}
                onChange={(e) => setAgg(e.target.value as Aggregation)}
                aria-label="aggregation"
                data-testid="explore-agg"
                title={aggChoice.suggested ? 'the resolution suggested for this range' : undefined}
              >
                {AGGREGATIONS.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.label}
                  </option>
                ))}
              </select>
              <label className="check">
                <input type="checkbox" checked={overlay} onChange={(e) => setOverlay(e.target.checked)} />{' '}
                overlay
              </label>
              <button className="ghost small" onClick={zoomOut}>
                Zoom out
              </button>
              <button
                className="ghost small"
                disabled={!result}
                onClick={download}
                title="the buckets shown, with min, max, mean and count"
              >
                CSV of chart
              </button>
              {selected.length ? (
                <a
                  className="button ghost small"
                  href={api.exportUrl(selected, range.from, range.to)}
                  download
                  data-testid="export-raw"
                >
                  Export raw CSV
                </a>
              ) : null}
            </div>
            <div className="sub" data-testid="explore-status" data-requested-at={requestedAt}>
              <RangeText range={range} />
              {result
                ? ` · ${result.buckets.toLocaleString()} buckets covering ${result.readings.toLocaleString()} readings · query ${result.ms.toFixed(0)} ms`
                : ''}
              {loading ? ' · loading…' : ''}
            </div>
            {result && (result.totals.length || result.comparison) ? (
              <ExploreTotals
                totals={result.totals}
                comparison={result.comparison}
                days={wholeDays ? pickerDays : undefined}
                zone={zone}
              />
            ) : null}
          </Card>
          <div ref={chartBox}>
            <ErrorBox error={error} title="The query failed" />
            {!selected.length ? (
              <Muted>
                Pick one or more channels on the left. Drag on the chart to zoom in, double-click to zoom out.
              </Muted>
            ) : null}
            {groups.map((g) => (
              <Card
                key={g.map((s) => s.channelId).join()}
                title={
                  g.length === 1 || !g.some((s) => s.channelId !== g[0]?.channelId)
                    ? (g[0]?.label ?? '')
                    : `${new Set(g.map((s) => s.channelId)).size} channels`
                }
              >
                <ExploreChart
                  series={g}
                  layoutKey={g.map((s) => `${s.channelId}:${s.unit}:${s.compared?.cmp ?? ''}`).join()}
                  onZoom={zoomTo}
                  onZoomOut={zoomOut}
                  view={range}
                  height={overlay ? 380 : 220}
                />
              </Card>
            ))}
          </div>
        </div>
      </div>
    </FacilityZones.Provider>
  );
}
