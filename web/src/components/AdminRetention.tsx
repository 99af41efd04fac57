/**
 * Retention (administrators): how many days raw readings and minute aggregates stay in the serving
 * store (older raw readings live only in the lake; hour and day rollups stay for ever), where the
 * store's raw readings now begin, the last run, and a button to run now. The fields are checked with
 * the API's own schema (src/api/shapes/retention.ts): whole days from 1 to 36,500.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { Api } from '../api/endpoints.ts';
import { type RetentionStateBody, retentionDays } from '../../../src/api/shapes/retention.ts';
import { useLoad } from '../lib/use-load.ts';
import { useTimeFormatter } from '../lib/zone-choice.ts';
import { Card, ErrorBox, Muted, Stat } from './Notice.tsx';

const V1 = '/api/v1';

/** The days typed into a field, checked as the API checks them, or an error naming the field. */
export function parseDays(text: string, what: string): number | Error {
  const r = retentionDays.safeParse(text.trim() === '' ? NaN : Number(text));
  if (r.success) return r.data;
  return new Error(`${what}: ${r.error.issues[0]?.message ?? 'expected whole days'}`);
}

/** The retention card. */
export function AdminRetention({ api }: { api: Api }) {
  const fmtTime = useTimeFormatter();
  const state = useLoad(() => api.http.get<RetentionStateBody>(`${V1}/retention`), [api]);
  const [raw, setRaw] = useState('');
  const [minutes, setMinutes] = useState('');
  const [error, setError] = useState<Error>();
  const [saved, setSaved] = useState(false);
  const s = state.data;
  useEffect(() => {
    if (!s) return;
    setRaw(String(s.rawDays));
    setMinutes(String(s.minuteDays));
  }, [s]);
  // While a run is in progress, look again every few seconds.
  const { reload } = state;
  useEffect(() => {
    if (!s?.running) return;
    const t = setInterval(reload, 3000);
    return () => clearInterval(t);
  }, [s?.running, reload]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    const rawDays = parseDays(raw, 'raw readings');
    const minuteDays = parseDays(minutes, 'minute aggregates');
    const bad = [rawDays, minuteDays].find((v) => v instanceof Error);
    if (bad instanceof Error) return setError(bad);
    try {
      await api.http.put(`${V1}/retention`, { rawDays, minuteDays });
      setSaved(true);
      reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const runNow = async () => {
    setError(undefined);
    try {
      await api.http.post(`${V1}/retention/run`);
      reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const last = s?.lastRun;
  return (
    <Card
      title="Retention"
      actions={
        s?.lakeConfigured ? (
          <button
            className="small"
            disabled={s.running}
            onClick={() => void runNow()}
            data-testid="retention-run"
          >
            {s.running ? 'Running…' : 'Run now'}
          </button>
        ) : null
      }
    >
      <ErrorBox error={state.error ?? error} />
      {s ? (
        <div data-testid="retention">
          <div className="stats">
            <Stat label="Raw readings in the store" value={`${s.rawDays} days`} testId="retention-raw" />
            <Stat label="Minute aggregates" value={`${s.minuteDays} days`} testId="retention-minutes" />
            <Stat label="Hour and day rollups" value="for ever" />
            <Stat
              label="Store's raw readings begin"
              value={s.lakeBefore === null ? 'nothing moved yet' : fmtTime(s.lakeBefore)}
              sub={s.lakeBefore === null ? undefined : 'older ones are read from the lake'}
            />
          </div>
          {last ? (
            <Muted>
              Last run {fmtTime(last.at)}: {last.deleted.toLocaleString('en-US')} readings moved to the lake (
              {last.copied.toLocaleString('en-US')} copied first),{' '}
              {last.minutesDeleted.toLocaleString('en-US')} minute rows deleted
              {last.skippedDays ? `, ${last.skippedDays} day(s) left for the next run` : ''}.
            </Muted>
          ) : (
            <Muted>No retention run yet; one runs every day, or run it now.</Muted>
          )}
          {s.lakeConfigured ? null : (
            <Muted>The lake is off (LOADSCOPE_LAKE=off): a run has nowhere to move readings.</Muted>
          )}
          <form className="inline-form" onSubmit={(e) => void save(e)} data-testid="retention-form">
            <DaysField label="Raw readings, days" value={raw} onChange={setRaw} />
            <DaysField label="Minute aggregates, days" value={minutes} onChange={setMinutes} />
            <button type="submit">Save</button>
            {saved ? <span className="sub">saved</span> : null}
          </form>
        </div>
      ) : null}
    </Card>
  );
}

/** One window of the form: a number of whole days, named by its label (also its accessible name). */
function DaysField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <label>
      {label}{' '}
      <input
        inputMode="numeric"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-label={label.toLowerCase()}
        size={6}
      />
    </label>
  );
}
