/** Sharing end to end: a facility shared with one user or a whole organisation, read-only or with edit rights. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../domain/types.ts';
import { type BrowserSession, type World, login, openWorld, worldServer } from '../test-world.ts';

describe('sharing', () => {
  let w: World;
  let app: FastifyInstance;
  let ownerAdmin: BrowserSession;
  const a = new Map<Role, BrowserSession>();
  const req = (
    s: BrowserSession,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) =>
    app.inject({
      method,
      url,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      ...(payload ? { payload } : {}),
    });
  const sees = async (role: Role) =>
    (await req(a.get(role)!, 'GET', `/api/v1/facilities/${w.b.facility.id}`)).statusCode;
  const canRename = async (role: Role) =>
    (
      await req(a.get(role)!, 'PATCH', `/api/v1/facilities/${w.b.facility.id}`, {
        name: `renamed by ${role}`,
      })
    ).statusCode;

  beforeAll(async () => {
    w = await openWorld();
    app = await worldServer(w, { loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
    ownerAdmin = await login(app, w.b.users.admin.email);
    for (const role of ['admin', 'analyst', 'viewer'] as const)
      a.set(role, await login(app, w.a.users[role].email));
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('shares with one user only, read-only, then with edit rights, then revokes', async () => {
    expect(await sees('analyst')).toBe(404);
    const share = await req(ownerAdmin, 'POST', `/api/v1/facilities/${w.b.facility.id}/shares`, {
      userEmail: w.a.users.analyst.email,
      access: 'read',
    });
    expect(share.statusCode).toBe(201);
    expect(await sees('analyst')).toBe(200);
    expect(await sees('viewer')).toBe(404); // shared with the analyst, not with the organisation
    expect(await canRename('analyst')).toBe(403);
    const edit = await req(ownerAdmin, 'POST', `/api/v1/facilities/${w.b.facility.id}/shares`, {
      userEmail: w.a.users.analyst.email,
      access: 'edit',
    });
    expect(edit.statusCode).toBe(201);
    expect(await canRename('analyst')).toBe(200);
    const received = await req(a.get('analyst')!, 'GET', '/api/v1/shares');
    const mine = received.json<{ received: { facilityId: string; access: string }[] }>().received;
    expect(mine.filter((r) => r.facilityId === w.b.facility.id)).toEqual([
      expect.objectContaining({ access: 'edit' }),
    ]);
    // The grantee cannot revoke or re-share what it does not own.
    const shareId = edit.json<{ id: string }>().id;
    expect((await req(a.get('admin')!, 'DELETE', `/api/v1/shares/${shareId}`)).statusCode).toBe(404);
    expect((await req(ownerAdmin, 'DELETE', `/api/v1/shares/${shareId}`)).statusCode).toBe(204);
    expect(await sees('analyst')).toBe(404);
  });

  it('shares with a whole organisation; its viewers stay read-only even with edit rights', async () => {
    const share = await req(ownerAdmin, 'POST', `/api/v1/facilities/${w.b.facility.id}/shares`, {
      orgId: w.a.orgId,
      access: 'edit',
    });
    expect(share.statusCode).toBe(201);
    expect(await sees('viewer')).toBe(200);
    expect(await canRename('viewer')).toBe(403);
    expect(await canRename('analyst')).toBe(200);
    const list = await req(a.get('viewer')!, 'GET', '/api/v1/facilities');
    expect(list.json<{ id: string; access: string }[]>().find((f) => f.id === w.b.facility.id)?.access).toBe(
      'read',
    );
    const given = await req(ownerAdmin, 'GET', `/api/v1/facilities/${w.b.facility.id}/shares`);
    expect(given.json<{ granteeOrgId: string }[]>().map((s) => s.granteeOrgId)).toContain(w.a.orgId);
  });

  it('rejects shares naming nobody, both, or unknown grantees', async () => {
    const url = `/api/v1/facilities/${w.b.facility.id}/shares`;
    const none = await req(ownerAdmin, 'POST', url, { access: 'read' });
    expect(none.statusCode).toBe(400);
    expect(none.json<{ message: string }>().message).toContain('exactly one of userEmail or orgId');
    expect(
      (await req(ownerAdmin, 'POST', url, { orgId: w.a.orgId, userEmail: 'x', access: 'read' })).statusCode,
    ).toBe(400);
    expect(
      (await req(ownerAdmin, 'POST', url, { orgId: 'no-such-org', access: 'read' })).json<{
        message: string;
      }>().message,
    ).toContain("field 'orgId'");
    expect((await req(ownerAdmin, 'POST', url, { orgId: w.a.orgId, access: 'write' })).statusCode).toBe(400);
  });
});
