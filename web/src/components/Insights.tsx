/** Scores and NILM results of a facility, shown only when the API has some. */
import type { Api } from '../api/endpoints.ts';
import { fmtEnergy, fmtTime } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';
import { Card } from './Notice.tsx';

/** Analytic product scores; renders nothing when the route is missing or returns none. */
export function ScoresSection({ api, facilityId }: { api: Api; facilityId: string }) {
  const scores = useLoad(() => api.scores(facilityId), [api, facilityId]);
  if (!scores.data?.length) return null;
  return (
    <Card title="Scores">
      <div className="scores" data-testid="scores">
        {scores.data.map((s) => (
          <div key={s.product} className="score">
            <div className="score-head">
              <span className="score-value">{s.score.toFixed(1)}</span>
              <span className="tag">{s.label}</span>
            </div>
            <div className="score-name">
              {s.product} <span className="sub">v{s.version}</span>
            </div>
            <p className="sub">{s.explanation}</p>
            <div className="sub">computed {fmtTime(s.computedAt)}</div>
          </div>
        ))}
      </div>
    </Card>
  );
}

/** NILM disaggregation: energy per appliance with its share; renders nothing without results. */
export function NilmSection({ api, facilityId }: { api: Api; facilityId: string }) {
  const nilm = useLoad(() => api.nilm(facilityId), [api, facilityId]);
  if (!nilm.data?.length) return null;
  const total = nilm.data.reduce((s, a) => s + a.energy, 0);
  return (
    <Card title="Appliances found by NILM">
      <div className="shares" data-testid="nilm">
        {nilm.data.map((a) => {
          const share = a.share ?? (total ? a.energy / total : 0);
          return (
            <div key={a.appliance} className="share-row">
              <span className="share-name">{a.appliance}</span>
              <span className="share-bar">
                <i style={{ width: `${(share * 100).toFixed(1)}%` }} />
              </span>
              <span className="num">{(share * 100).toFixed(0)} %</span>
              <span className="num sub">{fmtEnergy(a.energy)}</span>
            </div>
          );
        })}
      </div>
    </Card>
  );
}
