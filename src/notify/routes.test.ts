/**
 * Alert e-mail through the whole application: a user saves their settings through the API (checked
 * by the zod schema, with field names in the errors), sends a test e-mail, and an alert raised by a
 * pattern rule on ingested readings reaches them by e-mail through a real SMTP server, with a link
 * back to the alert; a user who did not ask for that severity gets nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../api/accounts/service.ts';
import { SEEDED, type TestApp, startTestApp } from '../api/test-app.ts';
import { type SmtpSink, startSmtpSink } from './testing/smtp-sink.ts';

const PASSWORD = 'correct horse battery staple';

describe('alert e-mail settings API and delivery', () => {
  let sink: SmtpSink;
  let t: TestApp;
  const sessions: Record<string, { cookie: string; csrf: string }> = {};

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      LOADSCOPE_SMTP_URL: sink.url,
      LOADSCOPE_MAIL_FROM: 'Loadscope <alerts@loadscope.test>',
      LOADSCOPE_PUBLIC_URL: 'https://energy.example.org/',
    });
    for (const [email, role] of [
      ['ana@example.org', 'viewer'],
      ['ben@example.org', 'analyst'],
    ] as const) {
      await createUser(
        { store: t.app.store, now: Date.now },
        { orgId: 'default', email, role, password: PASSWORD },
      );
      const res = await t.app.http.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: PASSWORD },
      });
      sessions[email] = {
        cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
        csrf: res.json<{ csrfToken: string }>().csrfToken,
      };
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const as = (email: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) => {
    const s = sessions[email] as { cookie: string; csrf: string };
    return t.app.http.inject({
      method,
      url,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  };
  const until = async (check: () => boolean, ms = 10_000): Promise<void> => {
    for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 20)))
      if (Date.now() > end) throw new Error('timed out');
  };

  it('answers the defaults until saved, then the saved settings', async () => {
    const first = await as('ana@example.org', 'GET', '/api/v1/me/notifications');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      saved: false,
      enabled: false,
      email: null,
      loginEmail: 'ana@example.org',
      mailConfigured: true,
      severities: ['warning', 'critical'],
      delivery: 'immediate',
    });
    const put = await as('ana@example.org', 'PUT', '/api/v1/me/notifications', {
      enabled: true,
      email: null,
      severities: ['critical'],
      rules: ['high-load', 'high-load'],
      delivery: 'immediate',
      digestMinutes: 60,
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ saved: true, severities: ['critical'], rules: ['high-load'] });
    expect((await as('ana@example.org', 'GET', '/api/v1/me/notifications')).json()).toMatchObject({
      saved: true,
      enabled: true,
    });
  });

  it('refuses bad settings naming the field', async () => {
    const base = {
      enabled: true,
      email: null,
      severities: ['critical'],
      rules: [],
      delivery: 'digest',
      digestMinutes: 60,
    };
    for (const [patch, field] of [
      [{ email: 'not-an-address' }, 'email'],
      [{ severities: [] }, 'severities'],
      [{ severities: ['urgent'] }, 'severities'],
      [{ delivery: 'weekly' }, 'delivery'],
      [{ digestMinutes: 5 }, 'digestMinutes'],
    ] as const) {
      const res = await as('ben@example.org', 'PUT', '/api/v1/me/notifications', { ...base, ...patch });
      expect(res.statusCode, JSON.stringify(patch)).toBe(400);
      expect(res.json().message, JSON.stringify(patch)).toContain(field);
    }
  });

  it('has no settings for API tokens', async () => {
    const res = await t.app.http.inject({
      url: '/api/v1/me/notifications',
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(res.statusCode).toBe(403);
  });

  it('sends a test e-mail to the chosen address', async () => {
    const before = sink.mails.length;
    const res = await as('ana@example.org', 'POST', '/api/v1/me/notifications/test');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sentTo: 'ana@example.org' });
    await until(() => sink.mails.length > before);
    expect(sink.mails.at(-1)?.to).toEqual(['ana@example.org']);
  });

  it('e-mails an alert raised by a rule to the users who chose it, with a link back', async () => {
    // ben wants warnings of every rule, as a digest: nothing reaches him at once.
    await as('ben@example.org', 'PUT', '/api/v1/me/notifications', {
      enabled: true,
      email: 'ops@example.org',
      severities: ['warning'],
      rules: [],
      delivery: 'digest',
      digestMinutes: 60,
    });
    const auth = { authorization: `Bearer ${t.token}` };
    const rule = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: auth,
      payload: {
        name: 'high-load',
        severity: 'critical',
        scope: { channelIds: [SEEDED.channelId] },
        condition: { type: 'above', value: 1000 },
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    sink.mails.length = 0;
    const now = Date.now();
    const readings = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/readings',
      headers: auth,
      payload: {
        readings: [
          { channel: SEEDED.channelId, ts: now - 2000, value: 400 },
          { channel: SEEDED.channelId, ts: now - 1000, value: 2500 },
        ],
      },
    });
    expect(readings.statusCode, readings.body).toBeLessThan(300);
    await until(() => sink.mails.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.mails.map((m) => m.to)).toEqual([['ana@example.org']]);
    const mail = sink.mails[0];
    expect(mail?.subject).toBe('[Loadscope] CRITICAL: high-load at plant (mains)');
    const alerts = (await t.app.http.inject({ url: '/api/v1/alerts?rule=high-load', headers: auth })).json<
      { id: string }[]
    >();
    expect(alerts.length).toBe(1);
    expect(mail?.body).toContain(`https://energy.example.org/alerts?alert=${alerts[0]?.id}`);
  }, 30_000);
});
