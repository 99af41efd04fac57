/**
 * Import: upload a CSV, Green Button (ESPI XML) or UtilityAPI file. The bar follows the upload, then
 * the importer's own progress (polled), and the page ends with the importer's summary: readings
 * stored, duplicates, rejected values with their reasons and examples (file, line, field).
 */
import { type FormEvent, useState } from 'react';
import { IMPORT_FORMATS } from '../../../src/ingest/types.ts';
import type { ImportRecord } from '../api/types.ts';
import { Link } from '../components/Layout.tsx';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { useLoad } from '../lib/use-load.ts';

/** Formats a byte count. */
function fmtBytes(n: number): string {
  return n >= 1 << 20
    ? `${(n / (1 << 20)).toFixed(1)} MB`
    : n >= 1024
      ? `${(n / 1024).toFixed(0)} kB`
      : `${n} B`;
}

/** The import page. */
export function ImportPage() {
  const { api, me } = useApp();
  const facilities = useLoad(() => api.facilities(), [api]);
  const [file, setFile] = useState<File>();
  const [format, setFormat] = useState('');
  const [facility, setFacility] = useState('');
  const [upload, setUpload] = useState<{ sent: number; total: number }>();
  const [record, setRecord] = useState<ImportRecord>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setRecord(undefined);
    setUpload({ sent: 0, total: file.size });
    try {
      let rec = await api.importFile(
        file,
        { filename: file.name, ...(facility ? { facility } : {}), ...(format ? { format } : {}) },
        (sent, total) => setUpload({ sent, total }),
      );
      setRecord(rec);
      while (rec.state === 'running') {
        await new Promise((r) => setTimeout(r, 400));
        rec = await api.importStatus(rec.id);
        setRecord(rec);
      }
      if (rec.state === 'failed') setError(new Error(rec.error?.message ?? 'the import failed'));
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  const importing = record?.state === 'running';
  const p = record?.progress;
  const pct =
    importing && p?.bytesTotal ? p.bytesRead / p.bytesTotal : upload?.total ? upload.sent / upload.total : 0;
  const s = record?.summary;
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
              File (CSV, Green Button XML, UtilityAPI JSON or CSV; gzip accepted)
              <input
                type="file"
                accept=".csv,.xml,.json,.gz"
                data-testid="import-file"
                onChange={(e) => setFile(e.target.files?.[0])}
              />
            </label>
            <label>
              Format
              <select value={format} onChange={(e) => setFormat(e.target.value)} aria-label="format">
                <option value="">Detect from the file</option>
                {IMPORT_FORMATS.map((f) => (
                  <option key={f}>{f}</option>
                ))}
              </select>
            </label>
            <label>
              Into facility
              <select value={facility} onChange={(e) => setFacility(e.target.value)} aria-label="facility">
                <option value="">A facility named after the file</option>
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
            {upload ? (
              <div className="progress" data-testid="import-progress">
                <div className="progress-bar">
                  <i style={{ width: `${Math.round(pct * 100)}%` }} />
                </div>
                <span className="sub">
                  {!record
                    ? `uploading ${fmtBytes(upload.sent)} of ${fmtBytes(upload.total)}`
                    : importing
                      ? `importing: ${fmtBytes(p?.bytesRead ?? 0)} of ${fmtBytes(p?.bytesTotal ?? 0)} read, ${(p?.readings ?? 0).toLocaleString()} readings`
                      : record.state === 'done'
                        ? 'done'
                        : 'failed'}
                </span>
              </div>
            ) : null}
          </form>
        </Card>
        <Card title="Summary">
          <ErrorBox error={error} title="The import failed" />
          {s && record ? (
            <div data-testid="import-summary">
              <table className="table kv">
                <tbody>
                  <tr>
                    <th>Facility</th>
                    <td>
                      <Link to={`/facilities/${encodeURIComponent(record.facilityId)}`}>
                        {record.facilityId}
                      </Link>
                    </td>
                  </tr>
                  <tr>
                    <th>Format</th>
                    <td>{s.format}</td>
                  </tr>
                  <tr>
                    <th>Rows read</th>
                    <td>{s.rows.toLocaleString()}</td>
                  </tr>
                  <tr>
                    <th>Readings stored</th>
                    <td data-testid="import-stored">{s.stored.toLocaleString()}</td>
                  </tr>
                  <tr>
                    <th>Duplicates (already stored)</th>
                    <td>{s.duplicates.toLocaleString()}</td>
                  </tr>
                  <tr>
                    <th>Rejected values</th>
                    <td>{s.rejected.toLocaleString()}</td>
                  </tr>
                  <tr>
                    <th>Channels</th>
                    <td>{s.channels.join(', ') || '–'}</td>
                  </tr>
                  <tr>
                    <th>Size, time</th>
                    <td>
                      {fmtBytes(s.bytes)} in {s.seconds.toFixed(2)} s
                    </td>
                  </tr>
                </tbody>
              </table>
              {Object.keys(s.byReason).length ? (
                <>
                  <h3>Rejected input</h3>
                  <ul className="errors">
                    {Object.entries(s.byReason).map(([reason, g]) => (
                      <li key={reason}>
                        <strong>
                          {reason} ({g.count})
                        </strong>
                        {g.examples.slice(0, 3).map((x, i) => (
                          <div key={i}>
                            {x.file}:{x.line} field {x.field}: {x.message}
                          </div>
                        ))}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          ) : !error ? (
            <Muted>
              Choose a file; the importer reports the readings stored, duplicates and rejected rows here.
            </Muted>
          ) : null}
        </Card>
      </div>
    </>
  );
}
