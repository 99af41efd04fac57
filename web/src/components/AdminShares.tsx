/** Sharing: facilities my organisation shared (revocable), facilities shared with us, and a form to share one. */
import { type FormEvent, useMemo, useState } from 'react';
import type { Api } from '../api/endpoints.ts';
import type { Share, ShareAccess } from '../api/types.ts';
import { useLoad } from '../lib/use-load.ts';
import { Card, ErrorBox, Muted } from './Notice.tsx';
import { useTimeFormatter } from '../lib/zone-choice.ts';

/** The sharing card. */
export function AdminShares({ api, orgId }: { api: Api; orgId: string }) {
  // Times in the zone chosen in the header (browser, UTC or facility), with the zone's short name.
  const fmtTime = useTimeFormatter();
  const shares = useLoad(() => api.shares(), [api]);
  const facilities = useLoad(() => api.facilities(), [api]);
  const own = useMemo(
    () => (facilities.data ?? []).filter((f) => f.orgId === orgId),
    [facilities.data, orgId],
  );
  const names = useMemo(() => new Map((facilities.data ?? []).map((f) => [f.id, f.name])), [facilities.data]);
  const [form, setForm] = useState({
    facilityId: '',
    to: 'user' as 'user' | 'org',
    grantee: '',
    access: 'read' as ShareAccess,
  });
  const [error, setError] = useState<Error>();
  const share = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.createShare(
        form.facilityId,
        form.to === 'user'
          ? { userEmail: form.grantee, access: form.access }
          : { orgId: form.grantee, access: form.access },
      );
      setForm({ ...form, grantee: '' });
      shares.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const revoke = async (id: string) => {
    try {
      await api.deleteShare(id);
      shares.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const row = (s: Share, revocable: boolean) => (
    <tr key={s.id}>
      <td>{names.get(s.facilityId) ?? s.facilityId}</td>
      <td>
        {revocable
          ? s.granteeUserId
            ? `user ${s.granteeUserId}`
            : `organisation ${s.granteeOrgId}`
          : `from ${s.ownerOrgId}`}
      </td>
      <td>
        <span className="tag">{s.access}</span>
      </td>
      <td>{fmtTime(s.createdAt)}</td>
      <td className="actions">
        {revocable ? (
          <button className="small danger" onClick={() => void revoke(s.id)}>
            Revoke
          </button>
        ) : null}
      </td>
    </tr>
  );
  const given = shares.data?.given ?? [];
  const received = shares.data?.received ?? [];
  return (
    <Card title="Sharing">
      <ErrorBox error={shares.error ?? error} />
      {given.length + received.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="shares-table">
            <thead>
              <tr>
                <th>Facility</th>
                <th>With</th>
                <th>Access</th>
                <th>Since</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {given.map((s) => row(s, true))}
              {received.map((s) => row(s, false))}
            </tbody>
          </table>
        </div>
      ) : (
        <Muted>Nothing is shared yet.</Muted>
      )}
      <form className="inline-form" onSubmit={(e) => void share(e)}>
        <select
          value={form.facilityId}
          onChange={(e) => setForm({ ...form, facilityId: e.target.value })}
          required
          aria-label="facility to share"
        >
          <option value="">Facility…</option>
          {own.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <select
          value={form.to}
          onChange={(e) => setForm({ ...form, to: e.target.value as 'user' | 'org' })}
          aria-label="share with"
        >
          <option value="user">with a user (login)</option>
          <option value="org">with an organisation (id)</option>
        </select>
        <input
          placeholder={form.to === 'user' ? 'login of the user' : 'organisation id'}
          value={form.grantee}
          onChange={(e) => setForm({ ...form, grantee: e.target.value })}
          required
          aria-label="grantee"
        />
        <select
          value={form.access}
          onChange={(e) => setForm({ ...form, access: e.target.value as ShareAccess })}
          aria-label="access"
        >
          <option value="read">read only</option>
          <option value="edit">can edit</option>
        </select>
        <button type="submit">Share</button>
      </form>
    </Card>
  );
}
