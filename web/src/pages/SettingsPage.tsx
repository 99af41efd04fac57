/**
 * My settings: which alerts reach me by e-mail (on or off, address, severities, rules), at once or as
 * a digest, and a test e-mail. Rules offered are the organisation's pattern rules plus those seen in
 * recent alerts (built-in rules such as the p97 overshoot have no stored definition).
 */
import { useEffect, useMemo, useState } from 'react';
import { SEVERITIES, type Severity } from '../../../src/domain/types.ts';
import {
  BUILT_IN_RULES,
  DIGEST_MINUTES,
  type NotificationPrefsInput,
  notificationPrefsInput,
} from '../../../src/api/shapes/notifications.ts';
import { notificationsApi } from '../api/notifications.ts';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { useLoad } from '../lib/use-load.ts';

const DIGESTS = [15, 60, 240, 1440] as const;

/** A digest period as the select shows it: `15 minutes`, `hour`, `4 hours`, `day`. */
export const digestLabel = (m: number) =>
  m < 60 ? `${m} minutes` : m === 60 ? 'hour' : m === 1440 ? 'day' : `${m / 60} hours`;

/** The digest periods offered: the usual ones and the stored one, within the schema's bounds, in order. */
export function digestChoices(current: number): number[] {
  return [...new Set<number>([...DIGESTS, current])]
    .filter((m) => m >= DIGEST_MINUTES.min && m <= DIGEST_MINUTES.max)
    .sort((a, b) => a - b);
}

/** Rules one can pick: built-in ones, the organisation's pattern rules, those seen in alerts, those ticked. */
export function ruleChoices(stored: string[], seen: string[], ticked: string[]): string[] {
  return [...new Set<string>([...BUILT_IN_RULES, ...stored, ...seen, ...ticked])].sort();
}

/**
 * The preferences to save, checked with the server's schema so that a bad field is named here as
 * saving would name it (an empty address means the login address).
 */
export function prefsToSave(form: NotificationPrefsInput, emailText: string): NotificationPrefsInput {
  const parsed = notificationPrefsInput.safeParse({ ...form, email: emailText.trim() || null });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`${issue?.path.join('.') ?? 'settings'}: ${issue?.message ?? 'invalid'}`);
}

/** `list` with `v` in it (`on`) or without it. */
const toggle = <T,>(list: T[], v: T, on: boolean) => (on ? [...list, v] : list.filter((x) => x !== v));

/** Changes some fields of the form. */
type SetPrefs = (patch: Partial<NotificationPrefsInput>) => void;

/** The settings page. */
export function SettingsPage() {
  const { api } = useApp();
  const n = useMemo(() => notificationsApi(api.http), [api]);
  const loaded = useLoad(() => n.get(), [n]);
  const ruleList = useLoad(() => api.rules(), [api]);
  const recent = useLoad(() => api.alerts({ limit: 500 }), [api]);
  const [form, setForm] = useState<NotificationPrefsInput>();
  const [emailText, setEmailText] = useState('');
  const [result, setResult] = useState<{ ok: boolean; message: string }>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!loaded.data) return;
    const { saved: _s, loginEmail: _l, mailConfigured: _m, updatedAt: _u, ...prefs } = loaded.data;
    setForm(prefs);
    setEmailText(prefs.email ?? '');
  }, [loaded.data]);
  const rules = useMemo(
    () =>
      ruleChoices(
        (ruleList.data ?? []).map((r) => r.name),
        (recent.data ?? []).map((a) => a.rule),
        form?.rules ?? [],
      ),
    [ruleList.data, recent.data, form?.rules],
  );

  if (!loaded.data || !form)
    return (
      <>
        <h1>Settings</h1>
        <ErrorBox error={loaded.error} title="Settings could not be loaded" />
        {loaded.error ? null : <Muted>Loading…</Muted>}
      </>
    );
  const s = loaded.data;
  const set: SetPrefs = (patch: Partial<NotificationPrefsInput>) => {
    setResult(undefined);
    setForm({ ...form, ...patch });
  };
  const run = async (what: 'save' | 'test') => {
    setBusy(true);
    setResult(undefined);
    try {
      if (what === 'test') {
        const r = await n.sendTest();
        setResult({ ok: true, message: `Test e-mail sent to ${r.sentTo}.` });
        return;
      }
      await n.save(prefsToSave(form, emailText));
      loaded.reload();
      setResult({ ok: true, message: 'Saved.' });
    } catch (err) {
      setResult({ ok: false, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <Card title="Alert e-mails">
        {s.mailConfigured ? null : (
          <div className="notice error" data-testid="mail-off">
            This server has no SMTP server configured (LOADSCOPE_SMTP_URL): your choices are kept, but no
            e-mail is sent until an administrator sets one.
          </div>
        )}
        <form
          className="form settings"
          data-testid="notification-settings"
          // The schema's messages name the field; the browser's own bubble would hide them.
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void run('save');
          }}
        >
          <RecipientFields
            form={form}
            set={set}
            loginEmail={s.loginEmail}
            emailText={emailText}
            onEmail={(text) => {
              setResult(undefined);
              setEmailText(text);
            }}
          />
          <SeverityFields form={form} set={set} />
          <RuleFields form={form} rules={rules} set={set} />
          <DeliveryFields form={form} set={set} />
          {result ? (
            <div className={`notice ${result.ok ? 'ok' : 'error'}`} data-testid="settings-result">
              {result.message}
            </div>
          ) : null}
          <div className="row">
            <button type="submit" disabled={busy}>
              Save
            </button>
            <button
              type="button"
              className="ghost"
              disabled={busy || !s.mailConfigured || !s.saved}
              title={s.saved ? undefined : 'Save first'}
              onClick={() => void run('test')}
            >
              Send a test e-mail
            </button>
          </div>
          {s.updatedAt ? (
            <div className="sub">Last saved {new Date(s.updatedAt).toLocaleString()}</div>
          ) : null}
        </form>
      </Card>
    </>
  );
}

/** Which severities reach me. */
function SeverityFields({ form, set }: { form: NotificationPrefsInput; set: SetPrefs }) {
  return (
    <fieldset>
      <legend>Severities</legend>
      {SEVERITIES.map((sev: Severity) => (
        <label key={sev} className="check">
          <input
            type="checkbox"
            name={`severity-${sev}`}
            checked={form.severities.includes(sev)}
            onChange={(e) => set({ severities: toggle(form.severities, sev, e.target.checked) })}
          />
          <span className={`badge ${sev}`}>{sev}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Which rules reach me (none ticked: all). */
function RuleFields({ form, rules, set }: { form: NotificationPrefsInput; rules: string[]; set: SetPrefs }) {
  return (
    <fieldset>
      <legend>Rules (none ticked: every rule)</legend>
      {rules.map((r) => (
        <label key={r} className="check">
          <input
            type="checkbox"
            name={`rule-${r}`}
            checked={form.rules.includes(r)}
            onChange={(e) => set({ rules: toggle(form.rules, r, e.target.checked) })}
          />
          {r}
        </label>
      ))}
    </fieldset>
  );
}

/** At once, or a digest every so often. */
export function DeliveryFields({ form, set }: { form: NotificationPrefsInput; set: SetPrefs }) {
  return (
    <fieldset>
      <legend>Delivery</legend>
      <label className="check">
        <input
          type="radio"
          name="delivery"
          checked={form.delivery === 'immediate'}
          onChange={() => set({ delivery: 'immediate' })}
        />
        One e-mail per alert, at once
      </label>
      <label className="check">
        <input
          type="radio"
          name="delivery"
          value="digest"
          checked={form.delivery === 'digest'}
          onChange={() => set({ delivery: 'digest' })}
        />
        A digest every
        <select
          name="digestMinutes"
          aria-label="digest period"
          value={form.digestMinutes}
          disabled={form.delivery !== 'digest'}
          onChange={(e) => set({ digestMinutes: Number(e.target.value) })}
        >
          {[...new Set([...DIGESTS, form.digestMinutes])]
            .filter((m) => m >= DIGEST_MINUTES.min && m <= DIGEST_MINUTES.max)
            .sort((a, b) => a - b)
            .map((m) => (
              <option key={m} value={m}>
                {digestLabel(m)}
              </option>
            ))}
        </select>
      </label>
    </fieldset>
  );
}

/** On or off, and the address (empty: the login address). */
function RecipientFields(p: {
  form: NotificationPrefsInput;
  set: SetPrefs;
  loginEmail: string;
  emailText: string;
  onEmail: (text: string) => void;
}) {
  const { form, set, loginEmail, emailText, onEmail } = p;
  return (
    <>
      <label className="check">
        <input
          type="checkbox"
          name="enabled"
          checked={form.enabled}
          onChange={(e) => set({ enabled: e.target.checked })}
        />
        E-mail me about alerts
      </label>
      <label>
        Address (empty: my login address, {loginEmail})
        <input
          type="email"
          name="email"
          value={emailText}
          placeholder={loginEmail}
          onChange={(e) => onEmail(e.target.value)}
        />
      </label>
    </>
  );
}
