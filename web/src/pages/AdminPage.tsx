/** Admin: users, API tokens, sharing and retention of the caller's organisation (administrators only). */
import { AdminRetention } from '../components/AdminRetention.tsx';
import { AdminShares } from '../components/AdminShares.tsx';
import { AdminTokens } from '../components/AdminTokens.tsx';
import { AdminUsers } from '../components/AdminUsers.tsx';
import { Muted } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';

/** The admin page. */
export function AdminPage() {
  const { api, me } = useApp();
  if (me.role !== 'admin') return <Muted>Only administrators manage users, tokens and sharing.</Muted>;
  return (
    <>
      <div className="page-head">
        <h1>Administration</h1>
        <span className="sub">organisation {me.orgId}</span>
      </div>
      <AdminUsers api={api} myId={me.user?.id} />
      <AdminTokens api={api} />
      <AdminShares api={api} orgId={me.orgId} />
      <AdminRetention api={api} />
    </>
  );
}
