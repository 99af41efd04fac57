/** API tokens of the organisation: create (the secret is shown once) with its scopes, list, revoke. */
import { type FormEvent, useState } from 'react';
import { SCOPES_BY_ROLE, defaultScopes } from '../../../src/api/scopes.ts';
import { ROLES } from '../../../src/domain/types.ts';
import type { TokenScope } from '../../../src/store/ports/accounts.ts';
import type { Api } from '../api/endpoints.ts';
import type { ApiToken, Role } from '../api/types.ts';
import { useLoad } from '../lib/use-load.ts';
import { Card, ErrorBox } from './Notice.tsx';
import { useTimeFormatter } from '../lib/zone-choice.ts';

/** What each scope allows, as a tooltip (docs/api.md, "Token scopes"). */
const SCOPE_HELP: Record<TokenScope, string> = {
  read: 'read data through the API and Grafana',
  write: 'change what the role allows: facilities, imports, alerts, rules, jobs',
  'write:readings': 'send readings over HTTP or MQTT (gateways and meters)',
  admin: 'manage users, tokens and shares',
};

/** The tokens card. */
export function AdminTokens({ api }: { api: Api }) {
  const tokens = useLoad(() => api.tokens(), [api]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  // Undefined until the admin changes a box: the token then gets its role's default scopes.
  const [scopes, setScopes] = useState<TokenScope[]>();
  const chosen = scopes ?? defaultScopes(role);
  const toggle = (s: TokenScope) =>
    setScopes(chosen.includes(s) ? chosen.filter((x) => x !== s) : [...chosen, s]);
  const [days, setDays] = useState('');
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<Error>();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const t = await api.createToken({
        name,
        role,
        ...(scopes ? { scopes } : {}),
        expiresInDays: days ? Number(days) : undefined,
      });
      setSecret(t.token);
      setName('');
      tokens.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const revoke = async (id: string) => {
    try {
      await api.deleteToken(id);
      tokens.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  return (
    <Card title="API tokens">
      <ErrorBox error={tokens.error ?? error} />
      {secret ? (
        <div className="notice ok" data-testid="token-secret">
          Copy this token now; it is not shown again: <code>{secret}</code>
        </div>
      ) : null}
      <TokenTable tokens={tokens.data ?? []} onRevoke={(id) => void revoke(id)} />
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <input
          placeholder="token name, e.g. gateway 7"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          aria-label="token name"
        />
        <select
          value={role}
          onChange={(e) => {
            setRole(e.target.value as Role);
            setScopes(undefined);
          }}
          aria-label="token role"
        >
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <span role="group" aria-label="token scopes">
          {SCOPES_BY_ROLE[role].map((s) => (
            <label key={s} title={SCOPE_HELP[s]}>
              <input type="checkbox" checked={chosen.includes(s)} onChange={() => toggle(s)} /> {s}
            </label>
          ))}
        </span>
        <input
          type="number"
          min={1}
          max={3650}
          placeholder="expires in days"
          value={days}
          onChange={(e) => setDays(e.target.value)}
          aria-label="expires in days"
          className="narrow"
        />
        <button type="submit">Create token</button>
      </form>
    </Card>
  );
}

/** The organisation's tokens, each with a Revoke button (asks first). */
function TokenTable({ tokens, onRevoke }: { tokens: ApiToken[]; onRevoke: (id: string) => void }) {
  // Times in the zone chosen in the header (browser, UTC or facility), with the zone's short name.
  const fmtTime = useTimeFormatter();
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Scopes</th>
            <th>Created</th>
            <th>Expires</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>
                {t.name}
                <div className="sub">{t.id}</div>
              </td>
              <td>{t.role}</td>
              <td>{t.scopes?.join(', ')}</td>
              <td>{fmtTime(t.createdAt)}</td>
              <td>{t.expiresAt ? fmtTime(t.expiresAt) : 'never'}</td>
              <td>{t.lastUsedAt ? fmtTime(t.lastUsedAt) : '–'}</td>
              <td className="actions">
                <button
                  className="small danger"
                  onClick={() => window.confirm(`Revoke ${t.name}?`) && onRevoke(t.id)}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
