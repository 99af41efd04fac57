/**
 * Import: upload a CSV, Green Button (ESPI XML), UtilityAPI or registrations file with the settings
 * the file does not carry (unit, time zone, zip, facility kind, format, columns). The bar follows the
 * upload, then the importer's own progress (polled); the page then shows the importer's summary
 * (readings stored, duplicates, rejected values with reasons and examples naming the uploaded file)
 * and the organisation's import history.
 */
import { type FormEvent, useState } from 'react';
import type { ImportRecord, ImportSettings } from '../api/types.ts';
import { ImportHistory } from '../components/ImportHistory.tsx';
import { ImportSettingsFields } from '../components/ImportSettingsFields.tsx';
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
  const history = useLoad(() => api.imports(), [api]);
  const [file, setFile] = useState<File>();
  const [settings, setSettings] = useState<ImportSettings>({});
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
      let rec = await api.importFile(file, { ...settings, filename: file.name }, (sent, total) =>
        setUpload({ sent, total }),
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
      history.reload();
    }
  };
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
              File (CSV, Green Button XML, UtilityAPI JSON or CSV, registrations CSV; gzip accepted)
              <input
                type="file"
                accept=".csv,.xml,.json,.gz"
                data-testid="import-file"
                onChange={(e) => setFile(e.target.files?.[0])}
              />
            </label>
            <ImportSettingsFields
              value={settings}
              onChange={setSettings}
              facilities={(facilities.data ?? []).filter((f) => f.access === 'edit')}
            />
            <button type="submit" disabled={!file || busy || me.role === 'viewer'}>
              {busy ? 'Importing…' : 'Import'}
            </button>
            {upload ? <ImportProgressLine upload={upload} record={record} failed={!!error} /> : null}
          </form>
        </Card>
        <Card title="Summary">
          <ErrorBox error={error} title="The import failed" />
          {s && record ? (
            <div data-testid="import-summary">
              <table className="table kv">
                <tbody>
                  <tr>
                    <th>{(s.facilities?.length ?? 1) > 1 ? 'Facilities' : 'Facility'}</th>
                    <td>
                      {(s.facilities?.length ? s.facilities : [record.facilityId]).map((f, i) => (
                        <span key={f}>
                          {i > 0 ? ', ' : ''}
                          <Link to={`/facilities/${encodeURIComponent(f)}`}>{f}</Link>
                        </span>
                      ))}
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
      <Card title="Recent imports">
        <ErrorBox error={history.error} title="Could not load the import history" />
        {history.data ? <ImportHistory imports={history.data} /> : null}
      </Card>
    </>
  );
}

/**
 * The progress line under the bar: the upload's bytes, then the importer's (of the uploaded size,
 * which the server knows from the start), then how it ended; never "0 B of 0 B" under a full bar.
 */
function ImportProgressLine({
  upload,
  record,
  failed,
}: {
  upload: { sent: number; total: number };
  record: ImportRecord | undefined;
  /** True when the upload or the import failed (the reason is shown beside). */
  failed: boolean;
}) {
  const p = record?.progress;
  const total = p?.bytesTotal || upload.total;
  let pct: number;
  let text: string;
  if (!record && failed) {
    pct = upload.total ? upload.sent / upload.total : 0;
    text = 'The upload failed (see why beside)';
  } else if (!record) {
    pct = upload.total ? upload.sent / upload.total : 0;
    text = `Step 1 of 2, uploading: ${fmtBytes(upload.sent)} of ${fmtBytes(upload.total)}`;
  } else if (record.state === 'running') {
    pct = total ? Math.min(1, (p?.bytesRead ?? 0) / total) : 0;
    text =
      p && p.bytesRead > 0
        ? `Step 2 of 2, importing: ${fmtBytes(p.bytesRead)} of ${fmtBytes(total)} read, ${p.readings.toLocaleString()} readings`
        : `Step 2 of 2, importing: uploaded ${fmtBytes(total)}, starting`;
  } else {
    pct = 1;
    text =
      record.state !== 'done'
        ? 'The import failed (see why beside)'
        : record.summary && record.summary.readings === 0 && record.summary.rows > 0
          ? `Done: ${record.summary.rows.toLocaleString()} rows read into ${(record.summary.facilities?.length ?? 1).toLocaleString()} facilities, no readings in this file`
          : `Done: ${(record.summary?.stored ?? 0).toLocaleString()} readings stored`;
  }
  return (
    <div className="progress" data-testid="import-progress">
      <div className="progress-bar">
        <i style={{ width: `${Math.round(pct * 100)}%` }} />
      </div>
      <span className="sub">{text}</span>
    </div>
  );
}
