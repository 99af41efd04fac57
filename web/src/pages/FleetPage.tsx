/**
 * Fleet: every facility the caller can see with search and filters (kind, zip code, open alerts,
 * score of a chosen analytic product), latest mains power, today's energy and open alerts, refreshed
 * every few seconds. Filtering happens on the server (`GET /facilities`).
 */
import { useEffect, useMemo, useState } from 'react';
import { FACILITY_KINDS } from '../../../src/domain/types.ts';
import type { FleetItem } from '../api/types.ts';
import { FleetCost } from '../components/FleetCost.tsx';
import { Link } from '../components/Layout.tsx';
import { Card, ErrorBox, Muted, Stat } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { distinctNames } from '../lib/facility-names.ts';
import { fmtAgo, fmtEnergy, fmtPower } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';

/** Electric energy of today (Wh) of a fleet row. */
const todayWh = (f: FleetItem): number =>
  f.today.filter((t) => t.unit === 'Wh').reduce((s, t) => s + t.energy, 0);

/** Where a facility is: its address, with the zip code when the address lacks it (phones hide the zip column). */
const placeOf = (f: FleetItem): string => {
  const zip = f.zip && !(f.address ?? '').includes(f.zip) ? f.zip : '';
  return [f.address, zip].filter(Boolean).join(' · ') || f.id;
};

/** The fleet overview. */
export function FleetPage() {
  const { api, me } = useApp();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [zip, setZip] = useState('');
  const [onlyAlerts, setOnlyAlerts] = useState(false);
  const [product, setProduct] = useState('');
  const [minScore, setMinScore] = useState('');
  const filters = useMemo(
    () => ({
      q,
      kind,
      zip,
      openAlerts: onlyAlerts || undefined,
      product: product || undefined,
      minScore: product && minScore !== '' ? Number(minScore) : undefined,
    }),
    [q, kind, zip, onlyAlerts, product, minScore],
  );
  // Debounce typing so that the list is not refetched on every key.
  const [query, setQuery] = useState(filters);
  useEffect(() => {
    const t = setTimeout(() => setQuery(filters), 250);
    return () => clearTimeout(t);
  }, [filters]);
  const list = useLoad(() => api.facilities(query), [api, query]);
  const products = useLoad(() => api.products(), [api]);
  const { reload } = list;
  useEffect(() => {
    const t = setInterval(reload, 5000);
    return () => clearInterval(t);
  }, [reload]);

  const rows = useMemo(() => list.data ?? [], [list.data]);
  const names = useMemo(() => distinctNames(rows), [rows]);
  const withPower = rows.filter((r) => r.latestPower !== null);
  const totalPower = withPower.length ? withPower.reduce((s, r) => s + (r.latestPower ?? 0), 0) : null;
  const totalEnergy = rows.reduce((s, r) => s + todayWh(r), 0);
  const totalAlerts = rows.reduce((s, r) => s + r.openAlerts, 0);
  const productTitle = products.data?.find((p) => p.name === product)?.title ?? product;

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
        <Stat label="Live power" value={fmtPower(totalPower)} sub="sum of the mains shown" />
        <Stat label="Energy today" value={fmtEnergy(totalEnergy)} sub="electricity, local days" />
        <Stat label="Open alerts" value={totalAlerts} sub={<Link to="/alerts">alerts →</Link>} />
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
          <label className="check">
            <input type="checkbox" checked={onlyAlerts} onChange={(e) => setOnlyAlerts(e.target.checked)} />{' '}
            with open alerts
          </label>
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
          {product ? (
            <input
              type="number"
              step="any"
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
                  <th className="wide-only">Kind</th>
                  <th className="wide-only">Zip</th>
                  <th className="num">Power now</th>
                  <th className="num">Energy today</th>
                  <th className="num">Open alerts</th>
                  {product ? <th className="num">{productTitle}</th> : null}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/facilities/${encodeURIComponent(r.id)}`} testId="fleet-name">
                        {names.get(r.id) ?? r.name}
                      </Link>{' '}
                      {r.orgId !== me.orgId ? <span className="tag light">shared · {r.access}</span> : null}
                      <div className="sub wide-only">{placeOf(r)}</div>
                      <div className="sub narrow-only">{[r.zip, r.kind].filter(Boolean).join(' · ')}</div>
                    </td>
                    <td className="wide-only">
                      <span className={`tag kind-${r.kind}`}>{r.kind}</span>
                    </td>
                    <td className="wide-only">{r.zip ?? '–'}</td>
                    <td
                      className="num"
                      data-testid="fleet-power"
                      title={
                        (r.latestTs ? fmtAgo(r.latestTs) : 'no live value') +
                        (r.latestPowerDerived
                          ? ' · derived: average power over the newest metered interval'
                          : '')
                      }
                    >
                      {fmtPower(r.latestPower)}
                      {r.latestPowerDerived ? <span className="sub"> avg</span> : null}
                    </td>
                    <td className="num">{fmtEnergy(todayWh(r))}</td>
                    <td className="num">
                      {r.openAlerts ? <span className="badge critical">{r.openAlerts}</span> : '0'}
                    </td>
                    {product ? (
                      <td className="num">
                        {typeof r.score === 'number' ? `${r.score.toFixed(2)}` : '–'}{' '}
                        {r.scoreLabel ? <span className="tag">{r.scoreLabel}</span> : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
      <FleetCost api={api} names={names} zone={rows[0]?.timeZone} />
    </>
  );
}
