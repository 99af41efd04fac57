/** Scores and NILM results of a facility, shown only when the API has some. */
import { useMemo } from 'react';
import type { Api } from '../api/endpoints.ts';
import { fmtEnergy, fmtPower, fmtTime } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';
import { jobsApi, type ScoreDetail } from '../api/jobs.ts';
import { Link } from './Layout.tsx';
import { Card } from './Notice.tsx';
import { ScoreEvidence } from './ScoreEvidence.tsx';

/** Analytic product scores with explanation and evidence charts; renders nothing when there are none. */
export function ScoresSection({ api, facilityId }: { api: Api; facilityId: string }) {
  const client = useMemo(() => jobsApi(api.http), [api]);
  const scores = useLoad(() => client.facilityScores(facilityId), [client, facilityId]);
  if (!scores.data?.length) return null;
  return (
    <Card title="Scores">
      <div className="scores" data-testid="scores">
        {scores.data.map((s) => (
          <ScoreCard key={s.product} score={s} />
        ))}
      </div>
      {scores.data.map((s) => (
        <details key={s.product}>
          <summary>Evidence: {s.product}</summary>
          <ScoreEvidence score={s} />
        </details>
      ))}
    </Card>
  );
}

/** One product's score of a facility; without enough data, a dash and the reason instead of a number. */
export function ScoreCard({ score: s }: { score: ScoreDetail }) {
  return (
    <div className="score" data-scored={s.score === null ? 'no' : 'yes'}>
      <div className="score-head">
        <span className="score-value">{s.score === null ? '–' : s.score.toFixed(1)}</span>
        <span className={s.score === null ? 'tag light' : 'tag'}>{s.label}</span>
      </div>
      <div className="score-name">
        <Link to={`/scores?product=${encodeURIComponent(s.product)}`}>{s.product}</Link>{' '}
        <span className="sub">v{s.version}</span>
      </div>
      <p className="sub">{s.explanation}</p>
      <div className="sub">computed {fmtTime(s.computedAt)}</div>
    </div>
  );
}

/** NILM: energy per appliance found in the mains (with its share) and the appliance inventory; nothing without results. */
export function NilmSection({ api, facilityId }: { api: Api; facilityId: string }) {
  const nilm = useLoad(() => api.nilm(facilityId), [api, facilityId]);
  const perAppliance = useMemo(() => {
    const m = new Map<string, number>();
    for (const d of nilm.data?.daily ?? []) m.set(d.appliance, (m.get(d.appliance) ?? 0) + d.energyWh);
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  }, [nilm.data]);
  const inventory = nilm.data?.inventory ?? [];
  if (!perAppliance.length && !inventory.length) return null;
  const total = perAppliance.reduce((s, [, e]) => s + e, 0);
  return (
    <Card title="Appliances found by NILM">
      <div className="shares" data-testid="nilm">
        {perAppliance.map(([appliance, energy]) => {
          const share = total ? energy / total : 0;
          return (
            <div key={appliance} className="share-row">
              <span className="share-name">{appliance}</span>
              <span className="share-bar">
                <i style={{ width: `${(share * 100).toFixed(1)}%` }} />
              </span>
              <span className="num">{(share * 100).toFixed(0)} %</span>
              <span className="num sub">{fmtEnergy(energy)}</span>
            </div>
          );
        })}
      </div>
      {inventory.length ? (
        <table className="table">
          <thead>
            <tr>
              <th>Detected appliance</th>
              <th className="num">Confidence</th>
              <th className="num">On power</th>
              <th className="num">Uses per day</th>
            </tr>
          </thead>
          <tbody>
            {inventory.map((i) => (
              <tr key={i.appliance}>
                <td>{i.appliance}</td>
                <td className="num">{(i.confidence * 100).toFixed(0)} %</td>
                <td className="num">{fmtPower(i.onPowerW)}</td>
                <td className="num">{i.activationsPerDay.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}
