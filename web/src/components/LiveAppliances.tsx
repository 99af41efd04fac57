/** Live appliance breakdown of a facility from live NILM, polled every 2 s; hidden while there is none (404). */
import { useEffect, useState } from 'react';
import type { Api } from '../api/endpoints.ts';
import { ApiError } from '../api/http.ts';
import { fmtAgo, fmtPower } from '../lib/format.ts';
import { Card, ErrorBox } from './Notice.tsx';

/** The answer of GET /api/v1/facilities/:facilityId/nilm/live. */
export interface LiveBreakdownView {
  ts: number;
  periodMs: number;
  mains: number;
  appliances: Record<string, number>;
  residual: number;
  model: { id: string; method: string };
}

const POLL_MS = 2000;

/** Polls the live breakdown; `undefined` until the first answer and while the route answers 404. */
function useLiveBreakdown(api: Api, facilityId: string): { data?: LiveBreakdownView; error?: Error } {
  const [state, setState] = useState<{ data?: LiveBreakdownView; error?: Error }>({});
  useEffect(() => {
    let alive = true;
    const poll = () =>
      api.http.get<LiveBreakdownView>(`/api/v1/facilities/${encodeURIComponent(facilityId)}/nilm/live`).then(
        (data) => alive && setState({ data }),
        (e: unknown) => {
          if (!alive) return;
          if (e instanceof ApiError && e.status === 404) setState({});
          else setState((s) => ({ ...s, error: e instanceof Error ? e : new Error(String(e)) }));
        },
      );
    setState({});
    void poll();
    const t = setInterval(() => void poll(), POLL_MS);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [api, facilityId]);
  return state;
}

/** One horizontal bar: name, power as a share of the mains, percent and W (the house's share-row grid). */
function Row({ name, watts, mains, muted }: { name: string; watts: number; mains: number; muted?: boolean }) {
  const share = mains > 0 ? Math.min(1, Math.max(0, watts / mains)) : 0;
  return (
    <div className="share-row" data-testid={`live-appliance-${name}`}>
      <span className={muted ? 'share-name sub' : 'share-name'}>{name}</span>
      <span className="share-bar">
        <i style={{ width: `${(share * 100).toFixed(1)}%`, ...(muted ? { background: '#9aa5b1' } : {}) }} />
      </span>
      <span className="num sub">{(share * 100).toFixed(0)} %</span>
      <span className="num">{fmtPower(watts)}</span>
    </div>
  );
}

/** The card: appliances by power, then the residual (what no modelled appliance explains). */
export function LiveAppliances({ api, facilityId }: { api: Api; facilityId: string }) {
  const { data, error } = useLiveBreakdown(api, facilityId);
  if (!data) return error ? <ErrorBox error={error} title="Live appliances could not be loaded" /> : null;
  const rows = Object.entries(data.appliances).sort((a, b) => b[1] - a[1]);
  return (
    <Card title="Live appliances (NILM)">
      <div className="sub" style={{ marginBottom: 8 }}>
        mains {fmtPower(data.mains)} · mean of {data.periodMs / 1000} s from {fmtAgo(data.ts)} · model{' '}
        {data.model.id} ({data.model.method})
      </div>
      <div className="shares" data-testid="live-appliances">
        {rows.map(([name, w]) => (
          <Row key={name} name={name} watts={w} mains={data.mains} />
        ))}
        <Row name="residual" watts={data.residual} mains={data.mains} muted />
      </div>
      <ErrorBox error={error} title="Live appliances could not be refreshed" />
    </Card>
  );
}
