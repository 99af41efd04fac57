/**
 * Explore: choose channels, a time range and an aggregation, overlay them, zoom from a year to a
 * second (every zoom refetches with one min/max bucket per pixel, computed by the database), export
 * CSV. The status line says how many readings the shown buckets cover and how long the query took.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Channel } from '../api/types.ts';
import { ChannelPicker } from '../components/ChannelPicker.tsx';
import { ExploreChart } from '../components/ExploreChart.tsx';
import { RangeInputs, RangeText } from '../components/ExploreRange.tsx';
import { ZoneSwitch } from '../components/ZoneSwitch.tsx';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { distinctNames } from '../lib/facility-names.ts';
import { AGGREGATIONS, type Aggregation, type FetchedSeries, toColumns, toCsv } from '../lib/explore.ts';
import { loadCatalog } from '../lib/catalog.ts';
import { navigate, useLocation } from '../lib/router.ts';
import { viewEnd } from '../lib/data-extent.ts';
import { useLastReading } from '../lib/use-last-reading.ts';
import { useLoad } from '../lib/use-load.ts';
import { FacilityZones } from '../lib/zone-choice.ts';

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
  const to0 = Number(query.get('to')) || Date.now();
  const from0 = Number(query.get('from')) || to0 - 86_400_000;
  const [range, setRange] = useState({ from: from0, to: to0 });
  const [agg, setAgg] = useState<Aggregation>((query.get('agg') as Aggregation | null) ?? 'auto');
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

  // Opened without a range: show the last day of the chosen channels' data when it is not the present
  // (an imported history), once, as soon as their extents are known.
  const lastTs = useLastReading(api, catalog.data, selected);
  const placed = useRef(query.has('from') || query.has('to'));
  useEffect(() => {
    if (placed.current || lastTs === undefined || !selected.length) return;
    placed.current = true;
    const now = Date.now();
    const end = viewEnd(lastTs, now, DAY);
    if (end !== now) setRange({ from: end - DAY, to: end });
  }, [lastTs, selected.length]);
  /** The end of a preset span: now, or the last reading when the span ending now would miss it. */
  const presetEnd = (ms: number) => viewEnd(lastTs, Date.now(), ms);

  const setSelected = (ids: string[]) => {
    const q = new URLSearchParams(query);
    if (ids.length) q.set('channels', ids.join(','));
    else q.delete('channels');
    navigate(`/explore?${q.toString()}`, true);
  };
  const zoomTo = useCallback((from: number, to: number) => {
    if (to - from < MIN_SPAN) {
      const mid = (from + to) / 2;
      from = Math.floor(mid - MIN_SPAN / 2);
      to = from + MIN_SPAN;
    }
    setRange((r) => {
      history.current.push(r);
      return { from, to };
    });
  }, []);
  const zoomOut = useCallback(() => {
    const prev = history.current.pop();
    setRange((r) => prev ?? { from: r.from - (r.to - r.from), to: r.to + (r.to - r.from) });
  }, []);

  // Fetch: one request per channel, buckets sized to the chart's width in pixels.
  const [result, setResult] = useState<{
    series: FetchedSeries[];
    ms: number;
    readings: number;
    buckets: number;
  }>();
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
      .explore({ channels: ids, from: range.from, to: range.to, agg, width: pixels })
      .then(({ series: got }) =>
        got.map((s): FetchedSeries => {
          const c = channels.get(s.channelId);
          const label = `${facilityOf.get(s.channelId) ?? ''} · ${c ? (c.isMains ? 'mains' : (c.appliance ?? c.name)) : s.channelId}`;
          return { channelId: s.channelId, label, unit: c?.unit ?? s.unit ?? '', data: toColumns(s) };
        }),
      )
      .then(
        (series) => {
          if (mine !== seq.current) return;
          const readings = series.reduce((s, x) => s + x.data.count.reduce((a, b) => a + b, 0), 0);
          const buckets = series.reduce((s, x) => s + x.data.ts.length, 0);
          setResult({ series, ms: performance.now() - t0, readings, buckets });
          setError(undefined);
          setLoading(false);
        },
        (err: unknown) => {
          if (mine !== seq.current) return;
          setError(err instanceof Error ? err : new Error(String(err)));
          setLoading(false);
        },
      );
  }, [api, selected, channels, facilityOf, range, agg]);

  const download = () => {
    if (!result) return;
    const url = URL.createObjectURL(new Blob([toCsv(result.series)], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `loadscope-${new Date(range.from).toISOString().slice(0, 19)}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const groups = overlay || !result ? (result ? [result.series] : []) : result.series.map((s) => [s]);

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
                title={g.length === 1 ? (g[0]?.label ?? '') : `${g.length} channels`}
              >
                <ExploreChart
                  series={g}
                  layoutKey={g.map((s) => `${s.channelId}:${s.unit}`).join()}
                  onZoom={zoomTo}
                  onZoomOut={zoomOut}
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
