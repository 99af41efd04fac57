/**
 * Live mains power of one facility, moving every second: seeded with the last minutes from the
 * downsampling route, then fed by the WebSocket push. While the push is not connected the chart polls
 * the newest readings instead, so it never freezes silently. `data-last-ts` on the chart holds the
 * newest timestamp drawn (the end-to-end test watches it advance). Meters that report only energy per
 * interval are drawn as average power per interval, over a longer window, marked as derived.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import type { Api } from '../api/endpoints.ts';
import type { LiveState } from '../api/live.ts';
import type { Channel, ExploreSeries } from '../api/types.ts';
import { fitLabels } from '../lib/axis.ts';
import { fmtAgo, fmtPower } from '../lib/format.ts';
import { livePowerPlan } from '../lib/live-power.ts';
import { LiveSeries } from '../lib/live-series.ts';
import { seriesColour, useChartPalette } from '../lib/theme-context.ts';
import { UPlotChart } from './UPlotChart.tsx';

/** Props of {@link LiveChart}. */
export interface LiveChartProps {
  api: Api;
  facilityId: string;
  channels: Channel[];
  /** The newest stored reading of the facility (from the extent route), said when none is live. */
  lastStoredTs?: number | null;
}

/** The live chart with a header showing the newest value and the connection state. */
export function LiveChart({ api, facilityId, channels, lastStoredTs }: LiveChartProps) {
  const series = useRef(new Map<string, LiveSeries>());
  const [state, setState] = useState<LiveState>('connecting');
  const [frame, setFrame] = useState(0);
  const ids = useMemo(() => channels.map((c) => c.id), [channels]);
  const plan = useMemo(() => livePowerPlan(channels), [channels]);
  const palette = useChartPalette();

  useEffect(() => {
    const m = new Map<string, LiveSeries>();
    for (const id of ids) m.set(id, new LiveSeries(plan.windowMs));
    series.current = m;
    const now = Date.now();
    if (ids.length) {
      api.explore({ channels: ids, from: now - plan.windowMs, to: now + 1000, agg: 'auto', width: 600 }).then(
        (r) => feed(m, r.series, plan.factors),
        () => undefined,
      );
    }
    // Shares its connection with the other live cards of the facility (LiveAppliances).
    const stop = api.live.subscribe(
      { facilityIds: [facilityId] },
      (events) => {
        for (const e of events)
          if (e.type === 'reading')
            m.get(e.channelId)?.push(e.ts, e.value * (plan.factors.get(e.channelId) ?? 1));
      },
      setState,
    );
    return stop;
  }, [api, facilityId, ids, plan]);

  // Redraw every second; poll while the push is down.
  useEffect(() => {
    const t = setInterval(() => {
      setFrame((f) => f + 1);
      if (state === 'open') return;
      const now = Date.now();
      if (!ids.length) return;
      api.explore({ channels: ids, from: now - plan.pollMs, to: now + 1000, agg: 'raw', width: 100 }).then(
        (r) => feed(series.current, r.series, plan.factors),
        () => undefined,
      );
    }, 1000);
    return () => clearInterval(t);
  }, [api, ids, state, plan]);

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'> & { height: number }>(
    () => ({
      height: 260,
      legend: { show: channels.length > 1 },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(100, max * 1.1)] } },
      axes: [{ space: 90 }, { values: (_u, splits) => splits.map((v) => fmtPower(v)), size: fitLabels }],
      series: [
        {},
        ...channels.map((c, i) => ({
          label: c.name,
          stroke: seriesColour(palette, i),
          width: 1.5,
          // The first (mains) line gets a faint area under it; 0x14 is 8 % alpha.
          fill: i === 0 ? `${seriesColour(palette, 0)}14` : undefined,
          points: { show: false },
        })),
      ],
    }),
    [channels, palette],
  );

  const { data, lastTs, lastValue } = useMemo(() => {
    void frame;
    const all = ids.map((id) => series.current.get(id) ?? new LiveSeries(plan.windowMs));
    const first = all[0];
    if (!first) return { data: [[]] as uPlot.AlignedData, lastTs: NaN, lastValue: NaN };
    // One x axis: the first mains channel's times; other channels are aligned by nearest sample.
    const [x, y] = first.toAligned();
    const rest = all.slice(1).map((s) => alignTo(x, s.toAligned()));
    // No value at all stays NaN (shown as "–"), not 0 W: a silent meter is not a meter drawing nothing.
    let sum = NaN;
    for (const s of all)
      if (Number.isFinite(s.lastValue)) sum = (Number.isFinite(sum) ? sum : 0) + s.lastValue;
    return {
      data: [x, y, ...rest] as uPlot.AlignedData,
      lastTs: all.reduce((m, s) => (Number.isFinite(s.lastTs) && !(s.lastTs <= m) ? s.lastTs : m), NaN),
      lastValue: sum,
    };
  }, [frame, ids, plan]);

  return (
    <div
      className="live"
      data-testid="live-chart"
      data-last-ts={Number.isFinite(lastTs) ? String(lastTs) : ''}
    >
      <div className="live-head">
        <span className="live-value" data-testid="live-value">
          {fmtPower(lastValue)}
        </span>
        <span className={`live-state ${state}`}>
          {state === 'open' ? 'live' : state === 'connecting' ? 'connecting…' : 'polling'}
        </span>
        <span className="muted">
          {Number.isFinite(lastTs)
            ? `last reading ${fmtAgo(lastTs)}`
            : typeof lastStoredTs === 'number' && lastStoredTs < Date.now() - plan.windowMs
              ? `no live readings; newest stored reading ${fmtAgo(lastStoredTs)} (see the energy views below)`
              : 'waiting for readings'}
        </span>
        {plan.derivedNote ? (
          <span className="muted" data-testid="power-derived">
            {plan.derivedNote}
          </span>
        ) : null}
      </div>
      <UPlotChart options={options} data={data} />
    </div>
  );
}

/** Pushes explore results (raw points, or bucket means) into the live windows, as W. */
function feed(m: Map<string, LiveSeries>, series: ExploreSeries[], factors: Map<string, number>): void {
  for (const s of series) {
    const target = m.get(s.channelId);
    if (!target) continue;
    const values = s.raw ? s.value : s.mean;
    const f = factors.get(s.channelId) ?? 1;
    s.ts.forEach((t, i) => target.push(t, (values[i] ?? NaN) * f));
  }
}

/** Resamples another series onto x (seconds) by the newest point at or before each x. */
function alignTo(x: Float64Array, [sx, sy]: [Float64Array, Float64Array]): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(x.length).fill(null);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    while (j + 1 < sx.length && (sx[j + 1] as number) <= (x[i] as number)) j++;
    if (sx.length && (sx[j] as number) <= (x[i] as number)) out[i] = sy[j] ?? null;
  }
  return out;
}
