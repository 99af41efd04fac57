/**
 * Jobs: the organisation's jobs with state and progress; one job's shards (attempts, errors) and log, refreshed
 * every two seconds while it runs, with a cancel button.
 */
import { useEffect, useMemo, useState } from 'react';
import { jobsApi, type JobInfo } from '../api/jobs.ts';
import { Link } from '../components/Layout.tsx';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { navigate, useLocation } from '../lib/router.ts';
import { useLoad } from '../lib/use-load.ts';
import { useTimeFormatter } from '../lib/zone-choice.ts';
import './jobs.css';

const ACTIVE = new Set(['pending', 'running']);

/** The jobs page (`/jobs?id=...`). */
export function JobsPage() {
  const { api, me } = useApp();
  // Times carry the zone's short name (the zone chosen on the chart pages; the browser's by default here).
  const fmtTime = useTimeFormatter();
  const jobs = useMemo(() => jobsApi(api.http), [api]);
  const { query } = useLocation();
  const id = query.get('id');
  const list = useLoad(() => jobs.jobs(), [jobs]);
  const detail = useLoad(() => (id ? jobs.job(id) : Promise.resolve(undefined)), [jobs, id]);
  const running =
    (list.data ?? []).some((j) => ACTIVE.has(j.state)) ||
    (detail.data ? ACTIVE.has(detail.data.job.state) : false);
  const { reload: reloadList } = list;
  const { reload: reloadDetail } = detail;
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => {
      reloadList();
      reloadDetail();
    }, 2000);
    return () => clearInterval(t);
  }, [running, reloadList, reloadDetail]);
  const [cancelError, setCancelError] = useState<Error>();
  const canRun = me.role === 'admin' || me.role === 'analyst';

  return (
    <div className="page">
      <div className="page-head">
        <h1>Jobs</h1>
      </div>
      <ErrorBox error={list.error} />
      {detail.data ? (
        <Card
          title={`${detail.data.job.kind} ${detail.data.job.target}`}
          actions={
            canRun && ACTIVE.has(detail.data.job.state) ? (
              <button
                className="button ghost"
                onClick={() => {
                  setCancelError(undefined);
                  jobs
                    .cancel(detail.data!.job.id)
                    .then(reloadDetail, (e: unknown) =>
                      setCancelError(e instanceof Error ? e : new Error(String(e))),
                    );
                }}
              >
                Cancel
              </button>
            ) : null
          }
        >
          <ErrorBox error={cancelError} />
          <JobSummary job={detail.data.job} />
          {detail.data.job.kind === 'score' && detail.data.job.state === 'succeeded' ? (
            <p>
              <Link to={`/scores?product=${encodeURIComponent(detail.data.job.target)}`}>
                See the ranking
              </Link>
            </p>
          ) : null}
          <table className="table compact" data-testid="shards">
            <thead>
              <tr>
                <th className="num">Shard</th>
                <th>Covers</th>
                <th>State</th>
                <th className="num">Attempts</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              {detail.data.shards.map((s) => (
                <tr key={s.index}>
                  <td className="num">{s.index}</td>
                  <td>{s.label}</td>
                  <td>
                    <span className={`state ${s.state}`}>{s.state}</span>
                  </td>
                  <td className="num">{s.attempts}</td>
                  <td className="sub">{s.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Log</h3>
          <pre className="log" data-testid="job-log">
            {detail.data.logs
              .map((l) => `${fmtTime(l.ts)} ${l.level.padEnd(5)} ${l.shard ?? '-'} ${l.message}`)
              .join('\n')}
          </pre>
        </Card>
      ) : id && detail.error ? (
        <ErrorBox error={detail.error} />
      ) : null}
      <Card title="All jobs">
        {list.data && list.data.length === 0 ? (
          <Muted>No jobs yet. Start one from the Scores page or with `loadscope job run`.</Muted>
        ) : null}
        {list.data?.length ? (
          <table className="table" data-testid="jobs">
            <thead>
              <tr>
                <th>Job</th>
                <th>What</th>
                <th>Executor</th>
                <th>State</th>
                <th>Progress</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((j) => (
                <tr
                  key={j.id}
                  className="clickable"
                  onClick={() => navigate(`/jobs?id=${encodeURIComponent(j.id)}`)}
                >
                  <td className="sub">{j.id}</td>
                  <td>
                    {j.kind} {j.target}
                  </td>
                  <td>
                    {j.executor}
                    {j.externalId ? <span className="sub"> #{j.externalId}</span> : null}
                  </td>
                  <td>
                    <span className={`state ${j.state}`}>{j.state}</span>
                  </td>
                  <td>
                    <Progress job={j} />
                  </td>
                  <td className="sub">{j.startedAt ? fmtTime(j.startedAt) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
    </div>
  );
}

function JobSummary({ job }: { job: JobInfo }) {
  return (
    <div className="stats">
      <div className="stat">
        <div className="stat-label">State</div>
        <div className="stat-value" data-testid="job-state">
          {job.state}
        </div>
        {job.error ? <div className="stat-sub">{job.error}</div> : null}
      </div>
      <div className="stat">
        <div className="stat-label">Shards done</div>
        <div className="stat-value">
          {job.shardsDone} / {job.shards}
        </div>
        <Progress job={job} />
      </div>
      <div className="stat">
        <div className="stat-label">Executor</div>
        <div className="stat-value">{job.executor}</div>
        {job.externalId ? <div className="stat-sub">Slurm job {job.externalId}</div> : null}
      </div>
      <div className="stat">
        <div className="stat-label">Duration</div>
        <div className="stat-value">
          {job.startedAt ? `${(((job.endedAt ?? Date.now()) - job.startedAt) / 1000).toFixed(1)} s` : '—'}
        </div>
      </div>
    </div>
  );
}

function Progress({ job }: { job: JobInfo }) {
  const pct = job.shards ? (100 * job.shardsDone) / job.shards : 0;
  return (
    <span className="progress-bar job-progress" title={`${job.shardsDone} of ${job.shards} shards`}>
      <i style={{ width: `${pct.toFixed(0)}%` }} />
    </span>
  );
}
