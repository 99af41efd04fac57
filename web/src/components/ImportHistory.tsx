/**
 * The organisation's recent imports (`GET /imports`, newest first): when, which file, how it ended,
 * where the readings went and how many were stored or rejected, so that a user can find what was
 * imported before and by whom it was not (a failed upload shows why).
 */
import type { ImportRecord } from '../api/types.ts';
import { Link } from './Layout.tsx';
import { Muted } from './Notice.tsx';
import { useTimeFormatter } from '../lib/zone-choice.ts';

/** Facility ids an import wrote to (older records only know their one facility). */
function facilitiesOf(r: ImportRecord): string[] {
  return r.summary?.facilities?.length ? r.summary.facilities : r.state === 'done' ? [r.facilityId] : [];
}

/** The import history table. */
export function ImportHistory({ imports }: { imports: ImportRecord[] }) {
  // Times in the zone chosen in the header (browser, UTC or facility), with the zone's short name.
  const fmtTime = useTimeFormatter();
  if (imports.length === 0) return <Muted>No imports yet.</Muted>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="import-history">
        <thead>
          <tr>
            <th>Started</th>
            <th>File</th>
            <th>State</th>
            <th>Facilities</th>
            <th className="num">Stored</th>
            <th className="num">Rejected</th>
          </tr>
        </thead>
        <tbody>
          {imports.map((r) => {
            const fac = facilitiesOf(r);
            return (
              <tr key={r.id}>
                <td>{fmtTime(r.startedAt)}</td>
                <td>{r.filename}</td>
                <td>
                  {r.state === 'failed' ? (
                    <>
                      <span className="badge critical">failed</span> {r.error?.message ?? ''}
                    </>
                  ) : (
                    r.state
                  )}
                </td>
                <td>
                  {fac.slice(0, 3).map((f, i) => (
                    <span key={f}>
                      {i > 0 ? ', ' : ''}
                      <Link to={`/facilities/${encodeURIComponent(f)}`}>{f}</Link>
                    </span>
                  ))}
                  {fac.length > 3 ? ` and ${fac.length - 3} more` : ''}
                </td>
                <td className="num">{r.summary ? r.summary.stored.toLocaleString() : '–'}</td>
                <td className="num">{r.summary ? r.summary.rejected.toLocaleString() : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
