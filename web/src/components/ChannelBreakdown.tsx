/** Channel and appliance breakdown of a facility: latest value per channel and energy per channel over 7 days. */
import { useEffect, useMemo } from 'react';
import type { Api } from '../api/endpoints.ts';
import type { Channel } from '../api/types.ts';
import { fmtAgo, fmtEnergy, fmtValue } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';
import { BarChart } from './BarChart.tsx';
import { Card, Muted } from './Notice.tsx';

const DAY = 86_400_000;

/** The breakdown card. */
export function ChannelBreakdown({
  api,
  facilityId,
  channels,
  until,
}: {
  api: Api;
  facilityId: string;
  channels: Channel[];
  /** End of the 7 days (default now): the last reading of an old, imported history. */
  until?: number;
}) {
  const latest = useLoad(() => api.latest({ facilityId }), [api, facilityId]);
  const { reload } = latest;
  useEffect(() => {
    const t = setInterval(reload, 3000);
    return () => clearInterval(t);
  }, [reload]);
  const energy = useLoad(() => {
    const end = until ?? Date.now();
    return api.breakdown(facilityId, end - 7 * DAY, end + 60_000);
  }, [api, facilityId, until]);
  const perChannel = useMemo(() => new Map((energy.data ?? []).map((r) => [r.channelId, r])), [energy.data]);
  const latestBy = useMemo(() => new Map((latest.data ?? []).map((l) => [l.channelId, l])), [latest.data]);
  const chart = useMemo(() => {
    const parts = (energy.data ?? [])
      .filter((r) => !r.isMains && r.unit === 'Wh' && r.energy > 0)
      .sort((a, b) => b.energy - a.energy);
    return {
      categories: parts.map((r) => r.name),
      series: [{ label: 'Energy, 7 days', values: parts.map((r) => r.energy), color: 'var(--chart-2)' }],
    };
  }, [energy.data]);
  return (
    <Card title="Channels and appliances">
      {chart.categories.length ? (
        <BarChart {...chart} format={(v) => fmtEnergy(v)} height={200} testId="appliance-chart" />
      ) : null}
      <div className="table-wrap">
        <table className="table" data-testid="channel-table">
          <thead>
            <tr>
              <th>Channel</th>
              <th>Measures</th>
              <th className="num">Latest</th>
              <th className="num">Energy, 7 days</th>
            </tr>
          </thead>
          <tbody>
            {channels.map((c) => {
              const l = latestBy.get(c.id);
              const e = perChannel.get(c.id);
              return (
                <tr key={c.id}>
                  <td>
                    {c.isMains ? <span className="tag">mains</span> : null} {c.appliance ?? c.name}
                    <div className="sub">{c.id}</div>
                  </td>
                  <td>
                    {c.measurement} · {c.unit}
                    {c.intervalMs ? ` · ${c.intervalMs / 1000} s` : ''}
                  </td>
                  <td className="num" title={l ? fmtAgo(l.ts) : ''}>
                    {l ? fmtValue(l.value, c.unit) : '–'}
                  </td>
                  <td className="num" title={e ? `coverage ${(e.coverage * 100).toFixed(0)} %` : ''}>
                    {e ? fmtEnergy(e.energy, e.unit) : '–'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {channels.length === 0 ? <Muted>This facility has no channels yet.</Muted> : null}
    </Card>
  );
}
