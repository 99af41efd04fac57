/** Administration of the organisation's users: create, change role, disable, delete. */
import { type FormEvent, useState } from 'react';
import { ROLES } from '../../../src/domain/types.ts';
import type { Api } from '../api/endpoints.ts';
import type { Role } from '../api/types.ts';
import { useLoad } from '../lib/use-load.ts';
import { Card, ErrorBox } from './Notice.tsx';
import { useTimeFormatter } from '../lib/zone-choice.ts';

/** The users card. */
export function AdminUsers({ api, myId }: { api: Api; myId: string | undefined }) {
  // Times in the zone chosen in the header (browser, UTC or facility), with the zone's short name.
  const fmtTime = useTimeFormatter();
  const users = useLoad(() => api.users(), [api]);
  const [form, setForm] = useState({ email: '', name: '', role: 'viewer' as Role, password: '' });
  const [error, setError] = useState<Error>();
  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      users.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api.createUser({ ...form, name: form.name || undefined });
      setForm({ email: '', name: '', role: 'viewer', password: '' });
    });
  };
  return (
    <Card title="Users">
      <ErrorBox error={users.error ?? error} />
      <div className="table-wrap">
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>Login</th>
              <th>Name</th>
              <th>Role</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(users.data ?? []).map((u) => (
              <tr key={u.id} className={u.disabled ? 'disabled' : ''}>
                <td>{u.email}</td>
                <td>{u.name}</td>
                <td>
                  <select
                    value={u.role}
                    disabled={u.id === myId}
                    onChange={(e) => void act(() => api.updateUser(u.id, { role: e.target.value as Role }))}
                    aria-label={`role of ${u.email}`}
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>{fmtTime(u.createdAt)}</td>
                <td className="actions">
                  {u.id === myId ? (
                    <span className="sub">you</span>
                  ) : (
                    <>
                      <button
                        className="small ghost"
                        onClick={() => void act(() => api.updateUser(u.id, { disabled: !u.disabled }))}
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                      <button
                        className="small danger"
                        onClick={() =>
                          window.confirm(`Delete ${u.email}?`) && void act(() => api.deleteUser(u.id))
                        }
                      >
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="inline-form" onSubmit={create}>
        <input
          placeholder="login (e-mail)"
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
          required
          aria-label="new user login"
        />
        <input
          placeholder="name"
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          aria-label="new user name"
        />
        <select
          value={form.role}
          onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          aria-label="new user role"
        >
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <input
          type="password"
          placeholder="initial password"
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
          required
          aria-label="new user password"
        />
        <button type="submit">Add user</button>
      </form>
    </Card>
  );
}
