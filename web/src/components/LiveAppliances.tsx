/**
 * Live appliance breakdown of a facility from live NILM: fetched once, then updated by the live push
 * (`nilm` events) as each model period closes. While the push is not connected the card polls the
 * route instead, and fetches once more when it connects (a breakdown may have come in between). Hidden
 * while there is no breakdown (the route answers 404).
 */
import { useEffect, useState } from 'react';
import type { Api } from '../api/endpoints.ts';
import { ApiError } from '../api/http.ts';
import type { LiveState } from '../api/live.ts';
import type { LiveBreakdown } from '../api/types.ts';
import { fmtAgo, fmtPower } from '../lib/format.ts';
import { newerBreakdown } from '../lib/live-breakdown.ts';
import { Card, ErrorBox } from './Notice.tsx';

const POLL_MS = 2000;

/** The newest breakdown; `undefined` until the first one arrives and while there is none. */
function useLiveBreakdown(api: Api, facilityId: string): { data?: LiveBreakdown; error?: Error } {
  const [state, setState] = useState<{ data?: LiveBreakdown; error?: Error }>({});
  const [live, setLive] = useState<LiveState>('connecting');
  useEffect(() => {
    setState({});
    return api.live.subscribe(
      { facilityIds: [facilityId] },
      (events) => {
        for (const e of events)
          if (e.type === 'nilm' && e.facilityId === facilityId)
            setState((s) => ({ data: newerBreakdown(s.data, e.breakdown) }));
      },
      setLive,
    );
  }, [api, facilityId]);
  useEffect(() => {
    let alive = true;
    const fetchNow = () =>
      api.liveNilm(facilityId).then(
        (data) => alive && setState((s) => ({ data: newerBreakdown(s.data, data) })),
        (e: unknown) => {
          // 404: no breakdown yet; the push brings the first one.
          if (!alive || (e instanceof ApiError && e.status === 404)) return;
          setState((s) => ({ ...s, error: e instanceof Error ? e : new Error(String(e)) }));
        },
      );
    void fetchNow();
    const t = live === 'open' ? undefined : setInterval(() => void fetchNow(), POLL_MS);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [api, facilityId, live]);
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
      <div className="shares" data-testid="live-appliances" data-ts={data.ts}>
        {rows.map(([name, w]) => (
          <Row key={name} name={name} watts={w} mains={data.mains} />
        ))}
        <Row name="residual" watts={data.residual} mains={data.mains} muted />
      </div>
      <ErrorBox error={error} title="Live appliances could not be refreshed" />
    </Card>
  );
}
