/** Fleet: every facility the caller can see, with search, filters, latest power, today's energy, open alerts and score. */
import { useEffect, useMemo, useState } from 'react';
import { FACILITY_KINDS } from '../../../src/domain/types.ts';
import { Link } from '../components/Layout.tsx';
import { Card, ErrorBox, Muted, Stat } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { joinFleet, loadCatalog, loadTodayEnergy } from '../lib/fleet.ts';
import { fmtAgo, fmtEnergy, fmtPower } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';

/** The fleet overview. */
export function FleetPage() {
  const { api, me } = useApp();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [zip, setZip] = useState('');
  const [onlyAlerts, setOnlyAlerts] = useState(false);
  const [minScore, setMinScore] = useState('');
  const [query, setQuery] = useState({ q: '', kind: '', zip: '' });
  // Debounce typing so that the list is not refetched on every key.
  useEffect(() => {
    const t = setTimeout(() => setQuery({ q, kind, zip }), 250);
    return () => clearTimeout(t);
  }, [q, kind, zip]);
  const list = useLoad(() => api.facilities(query), [api, query]);
  const all = useLoad(() => api.facilities(), [api]);
  const catalog = useLoad(async () => loadCatalog(api, all.data ?? []), [api, all.data]);
  const latest = useLoad(() => api.latest(), [api]);
  const alerts = useLoad(() => api.alerts({ state: 'open', limit: 1000 }), [api]);
  const today = useLoad(
    async () => (all.data ? loadTodayEnergy(api, all.data, Date.now()) : undefined),
    [api, all.data],
  );
  const products = useLoad(() => api.products(), [api]);
  const [product, setProduct] = useState('');
  const scores = useLoad(async () => (product ? api.ranking(product) : []), [api, product]);
  const reloadLatest = latest.reload;
  const reloadAlerts = alerts.reload;
  const reloadToday = today.reload;
  useEffect(() => {
    const fast = setInterval(() => {
      reloadLatest();
      reloadAlerts();
    }, 5000);
    const slow = setInterval(reloadToday, 60_000);
    return () => {
      clearInterval(fast);
      clearInterval(slow);
    };
  }, [reloadLatest, reloadAlerts, reloadToday]);
  const fleet = useMemo(
    () =>
      joinFleet(list.data ?? [], {
        catalog: catalog.data,
        latest: latest.data,
        today: today.data,
        alerts: alerts.data,
        scores: scores.data,
      }),
    [list.data, catalog.data, latest.data, today.data, alerts.data, scores.data],
  );
  const rows = useMemo(() => {
    const min = minScore === '' ? -Infinity : Number(minScore);
    return fleet.filter(
      (r) => (!onlyAlerts || r.openAlerts > 0) && (min === -Infinity || (r.score?.score ?? -Infinity) >= min),
    );
  }, [fleet, onlyAlerts, minScore]);
  const cols = { power: !!latest.data, energy: !!today.data, alerts: !!alerts.data, score: !!product };
  const totalPower = rows.reduce((s, r) => s + (r.latestPower ?? 0), 0);
  const totalEnergy = rows.reduce((s, r) => s + (r.todayEnergy ?? 0), 0);
  const totalAlerts = rows.reduce((s, r) => s + r.openAlerts, 0);

  return (
    <>
      <div className="page-head">
        <h1>Fleet</h1>
        <Link to="/zip" className="button ghost">
          Energy by zip code →
        </Link>
      </div>
      <div className="stats">
        <Stat label="Facilities" value={rows.length} testId="stat-facilities" />
        {cols.power ? <Stat label="Live power, all shown" value={fmtPower(totalPower)} /> : null}
        {cols.energy ? <Stat label="Energy today" value={fmtEnergy(totalEnergy)} /> : null}
        {cols.alerts ? <Stat label="Open alerts" value={totalAlerts} /> : null}
      </div>
      <Card title="Facilities">
        <div className="filters">
          <input
            type="search"
            placeholder="Search name, address, zip, tag…"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            aria-label="search"
          />
          <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label="kind">
            <option value="">All kinds</option>
            {FACILITY_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
          <input
            placeholder="Zip code"
            value={zip}
            onChange={(e) => setZip(e.target.value)}
            aria-label="zip"
            className="narrow"
          />
          {cols.alerts ? (
            <label className="check">
              <input type="checkbox" checked={onlyAlerts} onChange={(e) => setOnlyAlerts(e.target.checked)} />{' '}
              with open alerts
            </label>
          ) : null}
          {products.data?.length ? (
            <select value={product} onChange={(e) => setProduct(e.target.value)} aria-label="score product">
              <option value="">No score</option>
              {products.data.map((p) => (
                <option key={p.name} value={p.name}>
                  score: {p.title ?? p.name}
                </option>
              ))}
            </select>
          ) : null}
          {cols.score ? (
            <input
              type="number"
              placeholder="Min. score"
              value={minScore}
              onChange={(e) => setMinScore(e.target.value)}
              aria-label="minimum score"
              className="narrow"
            />
          ) : null}
        </div>
        <ErrorBox error={list.error} title="Facilities could not be loaded" />
        {list.data && rows.length === 0 ? <Muted>No facility matches.</Muted> : null}
        {!list.data && list.loading ? <Muted>Loading…</Muted> : null}
        {rows.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="fleet-table">
              <thead>
                <tr>
                  <th>Facility</th>
                  <th>Kind</th>
                  <th>Zip</th>
                  {cols.power ? <th className="num">Power now</th> : null}
                  {cols.energy ? <th className="num">Energy today</th> : null}
                  {cols.alerts ? <th className="num">Open alerts</th> : null}
                  {cols.score ? <th className="num">Score</th> : null}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.facility.id}>
                    <td>
                      <Link to={`/facilities/${encodeURIComponent(r.facility.id)}`}>{r.facility.name}</Link>
                      {r.facility.orgId !== me.orgId ? (
                        <span className="tag light">shared · {r.facility.access}</span>
                      ) : null}
                      <div className="sub">{r.facility.address ?? r.facility.id}</div>
                    </td>
                    <td>
                      <span className={`tag kind-${r.facility.kind}`}>{r.facility.kind}</span>
                    </td>
                    <td>{r.facility.zip ?? '–'}</td>
                    {cols.power ? (
                      <td className="num" title={r.latestTs ? fmtAgo(r.latestTs) : 'no live value'}>
                        {fmtPower(r.latestPower)}
                      </td>
                    ) : null}
                    {cols.energy ? <td className="num">{fmtEnergy(r.todayEnergy)}</td> : null}
                    {cols.alerts ? (
                      <td className="num">
                        {r.openAlerts ? <span className="badge critical">{r.openAlerts}</span> : '0'}
                      </td>
                    ) : null}
                    {cols.score ? (
                      <td className="num" title={r.score ? `${r.score.product}: ${r.score.explanation}` : ''}>
                        {r.score ? `${r.score.score.toFixed(1)} ${r.score.label}` : '–'}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
    </>
  );
}
