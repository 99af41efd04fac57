/**
 * Editor for the real-time layer's pattern rules: pick a stored rule or start a new one, edit it as
 * YAML or JSON (parsed here, so a syntax error names its line), validate it with the server's own rule
 * parser (its message names the field at fault) and save it (the API validates again).
 */
import { useState } from 'react';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { parseRule } from '../../../src/domain/rule-spec.ts';
import type { Api } from '../api/endpoints.ts';
import type { PatternRule, RuleInput } from '../api/types.ts';
import { useLoad } from '../lib/use-load.ts';
import { Card, ErrorBox, Muted } from './Notice.tsx';

const EXAMPLE = `# Three overshoots of the channel's p97 within ten minutes raise a critical alert.
name: repeated-overshoots
severity: critical
scope: { mainsOnly: true }
condition:
  type: count
  n: 3
  within: 10m
  of: { type: above, threshold: p97, for: 5s }
`;

/** Parses YAML (JSON is valid YAML); throws with the line of a syntax error. */
export function parseRuleText(text: string): RuleInput {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`syntax error: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new Error('a rule is an object with name, condition, and optionally severity and scope');
  return doc as RuleInput;
}

/** A stored rule as editable YAML, without the fields the server owns. */
function ruleText(r: PatternRule): string {
  const { id: _id, orgId: _org, createdAt: _c, updatedAt: _u, ...body } = r;
  return toYaml(body);
}

/** The rule editor card. */
export function RuleEditor({ api, canEdit }: { api: Api; canEdit: boolean }) {
  const rules = useLoad(() => api.rules(), [api]);
  const [text, setText] = useState(EXAMPLE);
  const [editing, setEditing] = useState<string>();
  const [result, setResult] = useState<{ ok: boolean; message: string }>();
  const [busy, setBusy] = useState(false);
  const run = async (what: 'validate' | 'save') => {
    setBusy(true);
    setResult(undefined);
    try {
      const rule = parseRuleText(text);
      if (what === 'validate') {
        // The server's own rule parser, so that the message is the one saving would give.
        const body = parseRule(rule, 'rule');
        setResult({
          ok: true,
          message: `The rule '${body.name}' is valid (${body.condition.type}, ${body.severity}).`,
        });
      } else {
        const saved = await api.saveRule(rule, editing);
        setEditing(saved.id);
        setResult({ ok: true, message: `Saved rule '${saved.name}'.` });
        rules.reload();
      }
    } catch (err) {
      setResult({ ok: false, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      title="Pattern rules"
      actions={
        <button
          className="small ghost"
          onClick={() => {
            setEditing(undefined);
            setText(EXAMPLE);
            setResult(undefined);
          }}
        >
          New rule
        </button>
      }
    >
      <ErrorBox error={rules.error} title="Rules could not be loaded" />
      {rules.data ? (
        <ul className="rules" data-testid="rule-list">
          {rules.data.map((r) => (
            <li key={r.id} className={r.id === editing ? 'on' : ''}>
              <button
                className="link"
                onClick={() => {
                  setEditing(r.id);
                  setText(ruleText(r));
                  setResult(undefined);
                }}
              >
                {r.name}
              </button>
              <span className={`badge ${r.severity}`}>{r.severity}</span>
              {r.enabled ? null : <span className="tag light">disabled</span>}
            </li>
          ))}
          {rules.data.length === 0 ? <Muted>No pattern rules yet.</Muted> : null}
        </ul>
      ) : null}
      <div className="sub">{editing ? `Editing rule ${editing}` : 'New rule'} · YAML or JSON</div>
      <textarea
        className="code"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={12}
        aria-label="rule source (JSON or YAML)"
      />
      {result ? (
        <div className={`notice ${result.ok ? 'ok' : 'error'}`} role="status" data-testid="rule-result">
          {result.message}
        </div>
      ) : null}
      <div className="row">
        <button className="ghost" disabled={busy} onClick={() => void run('validate')}>
          Validate
        </button>
        {canEdit ? (
          <button disabled={busy} onClick={() => void run('save')}>
            Save rule
          </button>
        ) : null}
      </div>
    </Card>
  );
}
