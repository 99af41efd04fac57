/**
 * Solar and battery flows of a facility, as Home Assistant's energy dashboard shows them: grid, solar,
 * battery and home as nodes with the energy on each arrow for the chosen span, the self-consumption
 * and self-sufficiency, and production against consumption as stacked bars. A facility that measures
 * no PV, battery or export gets no card at all.
 */
import { useMemo, useState } from 'react';
import type { Api } from '../api/endpoints.ts';
import type { Facility, SolarResponse } from '../api/types.ts';
import { fmtEnergy } from '../lib/format.ts';
import { localDate } from '../lib/periods.ts';
import {
  type FlowArrow,
  type FlowNode,
  SOLAR_SPANS,
  type SolarSpan,
  flowArrows,
  hasFlows,
  solarRange,
} from '../lib/solar-view.ts';
import { useLoad } from '../lib/use-load.ts';
import { Card, ErrorBox, Stat } from './Notice.tsx';
import { StackedBarChart } from './StackedBarChart.tsx';

/** Theme colours of the nodes (chart variables follow light and dark mode). */
const COLOR: Record<FlowNode | 'export', string> = {
  grid: 'var(--chart-3)',
  solar: 'var(--chart-2)',
  battery: 'var(--chart-4)',
  home: 'var(--chart-1)',
  export: 'var(--chart-6)',
};
const NODE_AT: Record<FlowNode, { x: number; y: number }> = {
  solar: { x: 180, y: 50 },
  grid: { x: 56, y: 152 },
  home: { x: 304, y: 152 },
  battery: { x: 180, y: 254 },
};
const R = 42;

/** Path and label spot of each arrow (from -> to). */
const ARROW_PATH: Record<string, { d: string; lx: number; ly: number; anchor: 'start' | 'middle' | 'end' }> =
  {
    'grid>home': { d: 'M 100 152 L 258 152', lx: 132, ly: 145, anchor: 'middle' },
    'home>grid': { d: 'M 258 166 L 100 166', lx: 228, ly: 181, anchor: 'middle' },
    'solar>home': { d: 'M 210 80 Q 262 96 280 114', lx: 252, ly: 86, anchor: 'start' },
    'solar>grid': { d: 'M 150 80 Q 98 96 80 114', lx: 108, ly: 86, anchor: 'end' },
    'solar>battery': { d: 'M 180 94 L 180 208', lx: 186, ly: 196, anchor: 'start' },
    'battery>home': { d: 'M 210 226 Q 262 210 280 190', lx: 252, ly: 226, anchor: 'start' },
    'grid>battery': { d: 'M 80 190 Q 98 210 150 226', lx: 108, ly: 226, anchor: 'end' },
    'battery>grid': { d: 'M 150 226 Q 98 210 80 190', lx: 108, ly: 226, anchor: 'end' },
  };

const money = (v: number, currency: string) =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(v);
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(0)} %`);

function arrowColor(a: FlowArrow): string {
  return a.to === 'grid' ? COLOR.export : COLOR[a.from];
}

/** The node-and-arrow diagram. */
function FlowDiagram({ data }: { data: SolarResponse }) {
  const t = data.totals;
  const arrows = flowArrows(data);
  const nodes: { id: FlowNode; title: string; lines: string[] }[] = [
    {
      id: 'grid',
      title: 'Grid',
      lines: data.metered.export
        ? [`→ ${fmtEnergy(t.gridImport)}`, `← ${fmtEnergy(t.gridExport)}`]
        : [fmtEnergy(t.gridImport)],
    },
    { id: 'home', title: 'Home', lines: [fmtEnergy(t.consumption)] },
  ];
  if (data.metered.pv) nodes.push({ id: 'solar', title: 'Solar', lines: [fmtEnergy(t.pv)] });
  if (data.metered.battery)
    nodes.push({
      id: 'battery',
      title: 'Battery',
      lines: [`↓ ${fmtEnergy(t.batteryCharge)}`, `↑ ${fmtEnergy(t.batteryDischarge)}`],
    });
  const top = data.metered.pv ? 0 : 100;
  const bottom = data.metered.battery ? 304 : 210;
  return (
    <svg
      className="flow-diagram"
      viewBox={`0 ${top} 360 ${bottom - top}`}
      role="img"
      aria-label="Energy flows between grid, solar, battery and home"
      data-testid="flow-diagram"
    >
      <defs>
        {Object.entries(COLOR).map(([k, c]) => (
          <marker
            key={k}
            id={`flow-head-${k}`}
            viewBox="0 0 10 10"
            refX="8"
            refY="5"
            markerWidth="6"
            markerHeight="6"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" style={{ fill: c }} />
          </marker>
        ))}
      </defs>
      {arrows.map((a) => {
        const key = `${a.from}>${a.to}`;
        const p = ARROW_PATH[key]!;
        const color = arrowColor(a);
        const head = a.to === 'grid' ? 'export' : a.from;
        return (
          <g
            key={key}
            className={a.energy > 0 ? 'flow on' : 'flow off'}
            data-testid={`flow-${a.from}-${a.to}`}
          >
            <path d={p.d} style={{ stroke: color }} markerEnd={`url(#flow-head-${head})`} />
            <text x={p.lx} y={p.ly} textAnchor={p.anchor} className="flow-value">
              {fmtEnergy(a.energy)}
            </text>
          </g>
        );
      })}
      {nodes.map((n) => {
        const { x, y } = NODE_AT[n.id];
        return (
          <g key={n.id} className="flow-node" data-testid={`node-${n.id}`}>
            <circle cx={x} cy={y} r={R} style={{ stroke: COLOR[n.id] }} />
            <text x={x} y={y - (n.lines.length > 1 ? 12 : 5)} textAnchor="middle" className="flow-title">
              {n.title}
            </text>
            {n.lines.map((l, i) => (
              <text
                key={i}
                x={x}
                y={y + 9 + i * 14 - (n.lines.length > 1 ? 5 : 0)}
                textAnchor="middle"
                className="flow-amount"
              >
                {l}
              </text>
            ))}
          </g>
        );
      })}
    </svg>
  );
}

/** Category label of a bucket: the hour, the month-day or the month. */
function bucketLabel(label: string, period: SolarResponse['period']): string {
  return period === 'hour' ? label.slice(11, 13) : period === 'day' ? label.slice(5, 10) : label.slice(0, 7);
}

/** The flows card; renders nothing for a facility without PV, battery or export. */
export function EnergyFlows({ api, facility, until }: { api: Api; facility: Facility; until?: number }) {
  const [span, setSpan] = useState<SolarSpan>('today');
  const today = useMemo(() => localDate(until ?? Date.now(), facility.timeZone), [until, facility.timeZone]);
  const range = solarRange(span, today);
  const flows = useLoad(
    () => api.solar(facility.id, range.period, range.from, range.to),
    [api, facility.id, range.period, range.from, range.to],
  );
  // The first answer decides whether the card exists; later spans keep it while they load.
  const [shown, setShown] = useState(false);
  if (!shown && hasFlows(flows.data)) setShown(true);
  const chart = useMemo(() => {
    const b = flows.data?.buckets ?? [];
    const period = flows.data?.period ?? 'day';
    const pick = (k: keyof SolarResponse['totals']) => b.map((x) => x[k] ?? 0);
    const series = [
      { label: 'Solar used', values: pick('solarToHome'), color: COLOR.solar },
      { label: 'From battery', values: pick('batteryToHome'), color: COLOR.battery },
      { label: 'From grid', values: pick('gridToHome'), color: COLOR.grid },
      {
        label: 'To grid',
        values: pick('solarToGrid').map((v, i) => v + (b[i]?.batteryToGrid ?? 0)),
        color: COLOR.export,
        below: true,
      },
      {
        label: 'To battery',
        values: pick('solarToBattery'),
        color: 'color-mix(in srgb, var(--chart-4) 55%, transparent)',
        below: true,
      },
    ].filter((s) => s.values.some((v) => v > 0));
    return { categories: b.map((x) => bucketLabel(x.label, period)), series };
  }, [flows.data]);
  if (!shown)
    return flows.error ? <ErrorBox error={flows.error} title="Solar flows could not be loaded" /> : null;
  const data = flows.data;
  return (
    <Card
      title="Energy flows"
      id="energy-flows"
      actions={
        <div className="segmented" data-testid="flow-spans">
          {SOLAR_SPANS.map((s) => (
            <button key={s.key} className={s.key === span ? 'on' : ''} onClick={() => setSpan(s.key)}>
              {s.label}
            </button>
          ))}
        </div>
      }
    >
      <div
        className="flows"
        data-testid="energy-flows"
        data-loading={flows.loading ? 'yes' : 'no'}
        data-period={flows.data?.period}
      >
        <ErrorBox error={flows.error} title="Solar flows could not be loaded" />
        {data ? (
          <>
            <FlowDiagram data={data} />
            <div className="stats" data-testid="flow-stats">
              {data.metered.pv ? (
                <Stat
                  label="Self-consumption"
                  value={pct(data.totals.selfConsumption)}
                  sub="of the PV used on site"
                  testId="self-consumption"
                />
              ) : null}
              <Stat
                label="Self-sufficiency"
                value={data.metered.pv || data.metered.battery ? pct(data.totals.selfSufficiency) : '–'}
                sub="of the use met on site"
                testId="self-sufficiency"
              />
              <Stat
                label="Net from grid"
                value={fmtEnergy(data.totals.net)}
                sub={data.totals.net < 0 ? 'more exported than imported' : 'import less export'}
                testId="net-energy"
              />
              {data.cost ? (
                <Stat
                  label="Net cost"
                  value={money(data.cost.totals.net, data.cost.totals.currency)}
                  sub={`import ${money(data.cost.totals.importCost, data.cost.totals.currency)} less export ${money(data.cost.totals.exportCredit, data.cost.totals.currency)}`}
                  testId="net-cost"
                />
              ) : null}
            </div>
            {!data.metered.pv ? (
              <div className="sub">
                PV is not metered here: the home's use counts only what came from the grid and the battery.
              </div>
            ) : null}
            {chart.categories.length ? (
              <>
                <h3 className="flows-chart-title">Production and consumption</h3>
                <StackedBarChart {...chart} format={(v) => fmtEnergy(v)} height={220} testId="flow-chart" />
              </>
            ) : null}
            <div className="sub">
              {range.from} to {range.to} (exclusive), local days at the facility ({facility.timeZone}); each
              hour is settled on its own, PV serving the home first, then the battery, then the grid.
            </div>
          </>
        ) : null}
      </div>
    </Card>
  );
}
