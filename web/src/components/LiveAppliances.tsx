/**
 * Live appliance breakdown of a facility from live NILM: asked once over REST, then updated by the
 * live push (`nilm` events) as each model period closes. Only while the push is down does the card
 * poll the route, and only for a facility that has a breakdown: a 404 (no model, or no mains reading
 * yet) is asked once and the push brings the first breakdown if one ever comes, so a facility
 * without a model costs one request, not a stream of 404s. Hidden while there is no breakdown.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Api } from '../api/endpoints.ts';
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
  // True after the route answered 204: nothing to poll for until the push brings a breakdown.
  const [none, setNone] = useState(false);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    setState({});
    setNone(false);
    const stop = api.live.subscribe(
      { facilityIds: [facilityId] },
      (events) => {
        for (const e of events)
          if (e.type === 'nilm' && e.facilityId === facilityId) {
            setNone(false);
            setState((s) => ({ data: newerBreakdown(s.data, e.breakdown) }));
          }
      },
      setLive,
    );
    return () => {
      alive.current = false;
      stop();
    };
  }, [api, facilityId]);
  const fetchNow = useCallback(
    () =>
      api.liveNilm(facilityId).then(
        (data) => {
          if (!alive.current) return;
          // 204: no breakdown yet; nothing to poll for until the push brings one.
          if (data === undefined) setNone(true);
          else setState((s) => ({ data: newerBreakdown(s.data, data) }));
        },
        (e: unknown) => {
          if (!alive.current) return;
          setState((s) => ({ ...s, error: e instanceof Error ? e : new Error(String(e)) }));
        },
      ),
    [api, facilityId],
  );
  useEffect(() => void fetchNow(), [fetchNow]);
  // While the push is down: poll a facility that has breakdowns, and catch up once when it is back.
  const wasDown = useRef(false);
  useEffect(() => {
    if (live === 'closed') wasDown.current = true;
    if (live === 'open' && wasDown.current) {
      wasDown.current = false;
      if (!none) void fetchNow();
    }
    if (live !== 'closed' || none) return;
    const t = setInterval(() => void fetchNow(), POLL_MS);
    return () => clearInterval(t);
  }, [live, none, fetchNow]);
  return state;
}

/** One horizontal bar: name, power as a share of the mains, percent and W (the house's share-row grid). */
function Row({ name, watts, mains, muted }: { name: string; watts: number; mains: number; muted?: boolean }) {
  const share = mains > 0 ? Math.min(1, Math.max(0, watts / mains)) : 0;
  return (
    <div className="share-row" data-testid={`live-appliance-${name}`}>
      <span className={muted ? 'share-name sub' : 'share-name'}>{name}</span>
      <span className="share-bar">
        <i
          style={{
            width: `${(share * 100).toFixed(1)}%`,
            ...(muted ? { background: 'var(--bar-muted)' } : {}),
          }}
        />
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
