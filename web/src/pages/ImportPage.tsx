/** Import: upload a CSV, Green Button (ESPI XML) or UtilityAPI file with progress, then the importer's summary. */
import { type FormEvent, useState } from 'react';
import type { ImportSummary } from '../api/types.ts';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { fmtTime } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';

const FORMATS = [
  { id: 'greenbutton', label: 'Green Button (ESPI XML)' },
  { id: 'utilityapi', label: 'UtilityAPI (JSON or CSV)' },
  { id: 'csv', label: 'CSV (long: channel, time, value)' },
] as const;

/** Guesses the format from a file name. */
export function guessFormat(name: string): string {
  const n = name.toLowerCase();
  if (n.endsWith('.xml')) return 'greenbutton';
  if (n.endsWith('.json')) return 'utilityapi';
  return 'csv';
}

/** Formats a byte count. */
function fmtBytes(n: number): string {
  return n >= 1 << 20
    ? `${(n / (1 << 20)).toFixed(1)} MB`
    : n >= 1024
      ? `${(n / 1024).toFixed(0)} kB`
      : `${n} B`;
}

/** Renders one summary value readably. */
function show(key: string, v: unknown): string {
  if (typeof v === 'number' && (key === 'from' || key === 'to' || key.endsWith('At'))) return fmtTime(v);
  if (typeof v === 'number') return v.toLocaleString();
  if (v === null || v === undefined) return '–';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The import page. */
export function ImportPage() {
  const { api, me } = useApp();
  const facilities = useLoad(() => api.facilities(), [api]);
  const [file, setFile] = useState<File>();
  const [format, setFormat] = useState('greenbutton');
  const [facilityId, setFacilityId] = useState('');
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [summary, setSummary] = useState<ImportSummary>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setSummary(undefined);
    setProgress({ sent: 0, total: file.size });
    try {
      setSummary(
        await api.importFile(file, { format, facilityId, name: file.name }, (sent, total) =>
          setProgress({ sent, total }),
        ),
      );
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  const pct = progress && progress.total ? Math.round((progress.sent / progress.total) * 100) : 0;
  const { errors, ...figures } = summary ?? {};
  return (
    <>
      <div className="page-head">
        <h1>Import</h1>
      </div>
      <div className="grid-2">
        <Card title="Upload a file">
          {me.role === 'viewer' ? (
            <Muted>Viewers cannot import; ask an analyst or administrator.</Muted>
          ) : null}
          <form className="form" onSubmit={(e) => void submit(e)}>
            <label>
              File
              <input
                type="file"
                accept=".csv,.xml,.json,.gz"
                data-testid="import-file"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  setFile(f);
                  if (f) setFormat(guessFormat(f.name));
                }}
              />
            </label>
            <label>
              Format
              <select value={format} onChange={(e) => setFormat(e.target.value)}>
                {FORMATS.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Into facility
              <select value={facilityId} onChange={(e) => setFacilityId(e.target.value)}>
                <option value="">A new facility from the file</option>
                {(facilities.data ?? [])
                  .filter((f) => f.access === 'edit')
                  .map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
              </select>
            </label>
            <button type="submit" disabled={!file || busy || me.role === 'viewer'}>
              {busy ? 'Importing…' : 'Import'}
            </button>
            {progress ? (
              <div className="progress" data-testid="import-progress">
                <div className="progress-bar">
                  <i style={{ width: `${pct}%` }} />
                </div>
                <span className="sub">
                  {pct < 100
                    ? `uploading ${fmtBytes(progress.sent)} of ${fmtBytes(progress.total)}`
                    : busy
                      ? 'uploaded; the importer is working…'
                      : 'done'}
                </span>
              </div>
            ) : null}
          </form>
        </Card>
        <Card title="Summary">
          <ErrorBox error={error} title="The import failed" />
          {summary ? (
            <div data-testid="import-summary">
              <table className="table kv">
                <tbody>
                  {Object.entries(figures).map(([k, v]) => (
                    <tr key={k}>
                      <th>{k}</th>
                      <td>{show(k, v)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {errors?.length ? (
                <>
                  <h3>Rejected input</h3>
                  <ul className="errors">
                    {errors.slice(0, 50).map((x, i) => (
                      <li key={i}>
                        {x.line !== undefined ? `line ${x.line}: ` : ''}
                        {x.field ? `${x.field}: ` : ''}
                        {x.message}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          ) : !error ? (
            <Muted>
              Choose a file; the importer reports readings stored, duplicates and rejected rows here.
            </Muted>
          ) : null}
        </Card>
      </div>
    </>
  );
}
