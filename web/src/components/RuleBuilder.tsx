/**
 * The form-based rule builder beside the YAML editor: facility and channel, what happens (rises above,
 * falls below, sends nothing, drops to zero), threshold with its unit, how long, severity and name.
 * It writes the same rule shape as the YAML editor (shown below the form) and checks it with the
 * server's rule parser before saving.
 */
import { useMemo, useState } from 'react';
import { SEVERITIES, type Severity, type Unit } from '../../../src/domain/types.ts';
import type { Api } from '../api/endpoints.ts';
import {
  FORM_KINDS,
  type FormKind,
  KIND_LABEL,
  type RuleForm,
  formToRule,
  thresholdUnits,
} from '../lib/rule-form.ts';
import { useLoad } from '../lib/use-load.ts';
import { stringify as toYaml } from 'yaml';
import { Card, ErrorBox } from './Notice.tsx';

const EMPTY: RuleForm = {
  name: '',
  facilityId: '',
  channelId: '',
  kind: 'above',
  threshold: '',
  unit: 'kW',
  duration: '5m',
  severity: 'warning',
};

/** The builder card; `onSaved` lets the page reload the rule list. */
export function RuleBuilder({ api, canEdit, onSaved }: { api: Api; canEdit: boolean; onSaved?: () => void }) {
  const facilities = useLoad(() => api.facilities(), [api]);
  const [form, setForm] = useState<RuleForm>(EMPTY);
  const detail = useLoad(
    () => (form.facilityId ? api.facility(form.facilityId) : Promise.resolve(undefined)),
    [api, form.facilityId],
  );
  const channels = detail.data?.channels ?? [];
  const channel = channels.find((c) => c.id === form.channelId);
  const units = thresholdUnits(channel?.unit ?? 'W');
  const [result, setResult] = useState<{ ok: boolean; message: string }>();
  const [busy, setBusy] = useState(false);
  const preview = useMemo(() => {
    try {
      return { rule: formToRule(form, channel) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }, [form, channel]);
  const set = <K extends keyof RuleForm>(k: K, v: RuleForm[K]) => {
    setResult(undefined);
    setForm((f) => ({ ...f, [k]: v }));
  };
  const save = async () => {
    setBusy(true);
    try {
      const saved = await api.saveRule(formToRule(form, channel));
      setResult({ ok: true, message: `Saved rule '${saved.name}'.` });
      onSaved?.();
    } catch (err) {
      setResult({ ok: false, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  const valued = form.kind !== 'silent';
  const timed = form.kind !== 'drop_to_zero';
  return (
    <Card title="New rule (form)">
      <ErrorBox error={facilities.error} title="Facilities could not be loaded" />
      <form
        className="form rule-builder"
        data-testid="rule-builder"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label>
          Facility
          <select
            name="facility"
            value={form.facilityId}
            onChange={(e) => setForm((f) => ({ ...f, facilityId: e.target.value, channelId: '' }))}
          >
            <option value="">Choose…</option>
            {(facilities.data ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Channel or meter
          <select
            name="channel"
            value={form.channelId}
            onChange={(e) => {
              const c = channels.find((x) => x.id === e.target.value);
              setForm((f) => ({ ...f, channelId: e.target.value, unit: c?.unit ?? 'W' }));
            }}
          >
            <option value="">Every mains channel</option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.unit})
              </option>
            ))}
          </select>
        </label>
        <div className="row wrap">
          <label>
            When the value
            <select name="kind" value={form.kind} onChange={(e) => set('kind', e.target.value as FormKind)}>
              {FORM_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </label>
          {valued ? (
            <label>
              Threshold
              <span className="row">
                <input
                  name="threshold"
                  inputMode="decimal"
                  className="narrow"
                  value={form.threshold}
                  onChange={(e) => set('threshold', e.target.value)}
                />
                <select
                  name="unit"
                  aria-label="threshold unit"
                  value={form.unit}
                  onChange={(e) => set('unit', e.target.value as Unit)}
                >
                  {units.map((u) => (
                    <option key={u}>{u}</option>
                  ))}
                </select>
              </span>
            </label>
          ) : null}
          {timed ? (
            <label>
              {form.kind === 'silent' ? 'Silence of' : 'For at least'}
              <input
                name="duration"
                className="narrow"
                placeholder="e.g. 5m, 30s, 2h"
                value={form.duration}
                onChange={(e) => set('duration', e.target.value)}
              />
            </label>
          ) : null}
        </div>
        <div className="row wrap">
          <label>
            Severity
            <select
              name="severity"
              value={form.severity}
              onChange={(e) => set('severity', e.target.value as Severity)}
            >
              {SEVERITIES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Rule name
            <input
              name="name"
              placeholder="e.g. high-load"
              value={form.name}
              onChange={(e) => set('name', e.target.value)}
            />
          </label>
        </div>
        {'error' in preview ? (
          <div className="sub" data-testid="rule-builder-problem">
            {preview.error}
          </div>
        ) : (
          <pre className="rule-preview" data-testid="rule-builder-yaml">
            {toYaml(preview.rule)}
          </pre>
        )}
        {result ? <div className={`notice ${result.ok ? 'ok' : 'error'}`}>{result.message}</div> : null}
        <div className="row">
          <button type="submit" disabled={!canEdit || busy || 'error' in preview}>
            Save rule
          </button>
          {canEdit ? null : <span className="muted">Viewers cannot change rules.</span>}
        </div>
      </form>
    </Card>
  );
}
