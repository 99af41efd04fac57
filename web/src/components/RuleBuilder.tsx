/**
 * The form-based rule builder beside the YAML editor: facility and channel, what happens (rises above,
 * falls below, sends nothing, drops to zero), threshold with its unit, how long, severity and name.
 * It writes the same rule shape as the YAML editor (shown below the form) and checks it with the
 * server's rule parser before saving. The form's logic is in lib/rule-form.ts.
 */
import { useMemo, useState } from 'react';
import { SEVERITIES, type Severity, type Unit } from '../../../src/domain/types.ts';
import type { Api } from '../api/endpoints.ts';
import type { Channel, Facility } from '../api/types.ts';
import {
  EMPTY_RULE_FORM,
  FORM_KINDS,
  type FormKind,
  KIND_LABEL,
  type RuleForm,
  chooseChannel,
  chooseFacility,
  formToRule,
  kindFields,
  previewRule,
  thresholdUnits,
} from '../lib/rule-form.ts';
import { useLoad } from '../lib/use-load.ts';
import { stringify as toYaml } from 'yaml';
import { Card, ErrorBox } from './Notice.tsx';

/** Sets one field of the form. */
type SetField = <K extends keyof RuleForm>(k: K, v: RuleForm[K]) => void;

/** The builder card; `onSaved` lets the page reload the rule list. */
export function RuleBuilder({ api, canEdit, onSaved }: { api: Api; canEdit: boolean; onSaved?: () => void }) {
  const facilities = useLoad(() => api.facilities(), [api]);
  const [form, setForm] = useState<RuleForm>(EMPTY_RULE_FORM);
  const detail = useLoad(
    () => (form.facilityId ? api.facility(form.facilityId) : Promise.resolve(undefined)),
    [api, form.facilityId],
  );
  const channels = detail.data?.channels ?? [];
  const channel = channels.find((c) => c.id === form.channelId);
  const [result, setResult] = useState<{ ok: boolean; message: string }>();
  const [busy, setBusy] = useState(false);
  const preview = useMemo(() => previewRule(form, channel), [form, channel]);
  const update = (next: (f: RuleForm) => RuleForm) => {
    setResult(undefined);
    setForm(next);
  };
  const set: SetField = (k, v) => update((f) => ({ ...f, [k]: v }));
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
        <TargetFields
          form={form}
          facilities={facilities.data ?? []}
          channels={channels}
          onFacility={(id) => update((f) => chooseFacility(f, id))}
          onChannel={(id) => update((f) => chooseChannel(f, channels, id))}
        />
        <ConditionFields form={form} units={thresholdUnits(channel?.unit ?? 'W')} set={set} />
        <NameFields form={form} set={set} />
        <RulePreview preview={preview} />
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

/** Facility and channel (or every mains channel of the facility). */
export function TargetFields(p: {
  form: RuleForm;
  facilities: Pick<Facility, 'id' | 'name'>[];
  channels: Pick<Channel, 'id' | 'name' | 'unit'>[];
  onFacility: (id: string) => void;
  onChannel: (id: string) => void;
}) {
  return (
    <>
      <label>
        Facility
        <select name="facility" value={p.form.facilityId} onChange={(e) => p.onFacility(e.target.value)}>
          <option value="">Choose…</option>
          {p.facilities.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Channel or meter
        <select name="channel" value={p.form.channelId} onChange={(e) => p.onChannel(e.target.value)}>
          <option value="">Every mains channel</option>
          {p.channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.unit})
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

/** What happens: the kind, and the threshold and duration the kind asks for. */
export function ConditionFields({ form, units, set }: { form: RuleForm; units: Unit[]; set: SetField }) {
  const shown = kindFields(form.kind);
  return (
    <div className="row wrap">
      <label>
        When the value
        <select
          name="kind"
          value={form.kind}
          onChange={(e) => set('kind', FORM_KINDS.find((k) => k === e.target.value) ?? 'above')}
        >
          {FORM_KINDS.map((k: FormKind) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </label>
      {shown.threshold ? (
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
              onChange={(e) => set('unit', units.find((u) => u === e.target.value) ?? form.unit)}
            >
              {units.map((u) => (
                <option key={u}>{u}</option>
              ))}
            </select>
          </span>
        </label>
      ) : null}
      {shown.duration ? (
        <label>
          {shown.duration}
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
  );
}

/** Severity and the rule's name. */
function NameFields({ form, set }: { form: RuleForm; set: SetField }) {
  return (
    <div className="row wrap">
      <label>
        Severity
        <select
          name="severity"
          value={form.severity}
          onChange={(e) =>
            set('severity', SEVERITIES.find((s: Severity) => s === e.target.value) ?? 'warning')
          }
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
  );
}

/** The rule as YAML, or why the form makes none yet. */
export function RulePreview({ preview }: { preview: ReturnType<typeof previewRule> }) {
  return 'error' in preview ? (
    <div className="sub" data-testid="rule-builder-problem">
      {preview.error}
    </div>
  ) : (
    <pre className="rule-preview" data-testid="rule-builder-yaml">
      {toYaml(preview.rule)}
    </pre>
  );
}
