/**
 * Scores: pick an analytic product, see every readable facility ranked by its newest score (shared facilities
 * included), open a row for the explanation and evidence charts, and start a new scoring job.
 */
import { useMemo, useState } from 'react';
import { jobsApi, type RankedScore } from '../api/jobs.ts';
import { Link } from '../components/Layout.tsx';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { ScoreEvidence } from '../components/ScoreEvidence.tsx';
import { useApp } from '../lib/app-context.ts';
import { distinctNames } from '../lib/facility-names.ts';
import { navigate, useLocation } from '../lib/router.ts';
import { useLoad } from '../lib/use-load.ts';
import { useTimeFormatter } from '../lib/zone-choice.ts';
import './jobs.css';

/** The scores page (`/scores?product=...`). */
export function ScoresPage() {
  const { api, me } = useApp();
  const jobs = useMemo(() => jobsApi(api.http), [api]);
  const { query } = useLocation();
  const products = useLoad(() => jobs.products(), [jobs]);
  const product = query.get('product') ?? products.data?.[0]?.name ?? '';
  const info = products.data?.find((p) => p.name === product);
  const ranking = useLoad(() => (product ? jobs.ranking(product) : Promise.resolve([])), [jobs, product]);
  const names = useMemo(
    () =>
      distinctNames(
        (ranking.data ?? []).map((s) => ({
          id: s.facilityId,
          name: s.facilityName ?? s.facilityId,
          zip: s.zip,
        })),
      ),
    [ranking.data],
  );
  const [open, setOpen] = useState<string | null>(null);
  const canRun = me.role === 'admin' || me.role === 'analyst';

  return (
    <div className="page">
      <div className="page-head">
        <h1>Scores</h1>
        <div className="filters">
          <label>
            Product{' '}
            <select
              value={product}
              onChange={(e) => navigate(`/scores?product=${encodeURIComponent(e.target.value)}`, true)}
              data-testid="product-select"
            >
              {(products.data ?? []).map((p) => (
                <option key={p.name} value={p.name}>
                  {p.title} ({p.name}@{p.version})
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <ErrorBox error={products.error ?? ranking.error} />
      {info ? <p className="sub">{info.description}</p> : null}
      {canRun && product ? <RunProductCard jobs={jobs} product={product} /> : null}
      <Card title={`Ranking${ranking.data ? ` (${ranking.data.length} facilities)` : ''}`}>
        {ranking.loading && !ranking.data ? <Muted>Loading…</Muted> : null}
        {ranking.data && ranking.data.length === 0 ? (
          <Muted>No scores yet for this product: run it above, or with `loadscope job run {product}`.</Muted>
        ) : null}
        {ranking.data?.length ? (
          <div className="table-wrap">
            <table className="table" data-testid="ranking">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>Facility</th>
                  <th className="wide-only">Kind</th>
                  <th className="wide-only">Zip</th>
                  <th className="num">Score</th>
                  <th>Label</th>
                  <th className="wide-only">Computed</th>
                </tr>
              </thead>
              <tbody>
                {ranking.data.map((s, i) => (
                  <RankRow
                    key={s.facilityId}
                    rank={i + 1}
                    score={s}
                    name={names.get(s.facilityId) ?? s.facilityId}
                    open={open === s.facilityId}
                    toggle={() => setOpen(open === s.facilityId ? null : s.facilityId)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
    </div>
  );
}

/** Starts a scoring job of `product` over every facility on the chosen executor, then opens it. */
function RunProductCard({ jobs, product }: { jobs: ReturnType<typeof jobsApi>; product: string }) {
  const [executor, setExecutor] = useState<'local' | 'slurm'>('local');
  const [shards, setShards] = useState(4);
  const [startError, setStartError] = useState<Error>();
  const start = async () => {
    setStartError(undefined);
    try {
      const { jobId } = await jobs.start({ product, executor, shards });
      navigate(`/jobs?id=${encodeURIComponent(jobId)}`);
    } catch (e) {
      setStartError(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return (
    <Card title="Run this product">
      <div className="inline-form">
        <label>
          Executor{' '}
          <select
            value={executor}
            onChange={(e) => setExecutor(e.target.value as 'local' | 'slurm')}
            data-testid="executor-select"
          >
            <option value="local">local worker threads</option>
            <option value="slurm">Slurm cluster</option>
          </select>
        </label>
        <label>
          Shards{' '}
          <input
            type="number"
            min={1}
            max={1000}
            value={shards}
            onChange={(e) => setShards(Math.max(1, Number(e.target.value) || 1))}
            style={{ width: 70 }}
          />
        </label>
        <button className="button" onClick={() => void start()} data-testid="run-job">
          Score all facilities
        </button>
      </div>
      <ErrorBox error={startError} title="Could not start the job" />
    </Card>
  );
}

function RankRow({
  rank,
  score,
  name,
  open,
  toggle,
}: {
  rank: number;
  score: RankedScore;
  /** The facility's name, told apart from others of the same name. */
  name: string;
  open: boolean;
  toggle: () => void;
}) {
  const fmtTime = useTimeFormatter();
  return (
    <>
      <tr onClick={toggle} className="clickable" data-testid="rank-row">
        <td className="num">{rank}</td>
        <td>
          <Link to={`/facilities/${encodeURIComponent(score.facilityId)}`}>{name}</Link>
        </td>
        <td className="wide-only">{score.kind ?? ''}</td>
        <td className="wide-only">{score.zip ?? ''}</td>
        <td className="num">
          <span className="score-bar" title={String(score.score)}>
            <i style={{ width: `${Math.max(0, Math.min(100, score.score))}%` }} />
          </span>{' '}
          {score.score.toFixed(1)}
        </td>
        <td>
          <span className="tag">{score.label}</span>
        </td>
        <td className="sub wide-only">{fmtTime(score.computedAt)}</td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={7}>
            <p>{score.explanation}</p>
            <ScoreEvidence score={score} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
