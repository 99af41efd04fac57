/**
 * The e-mail notifier against a real SMTP server (started here): who gets which alert, immediate mail
 * with a link back to the alert, digests sent when their period is over, retries after a refusal, and
 * a mail server that cannot be reached does not hold up the alert pipeline.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Severity } from '../domain/types.ts';
import type { NotificationPrefs } from '../store/ports/notifications.ts';
import { type EmailNotifier, createEmailNotifier, wants } from './notifier.ts';
import { createSmtpTransport } from './smtp/transport.ts';
import { type SmtpSink, startSmtpSink } from './testing/smtp-sink.ts';
import { captureLogger } from '../util/logger.ts';

const T0 = Date.UTC(2026, 11, 3, 7, 14);
let seq = 0;
const alert = (rule: string, severity: Severity, orgId = 'o1'): Alert => ({
  id: `al-${++seq}`,
  rule,
  channelId: 'ch-mains',
  facilityId: 'fac-1',
  orgId,
  ts: T0,
  endTs: null,
  value: 5300,
  threshold: 4000,
  unit: 'W',
  severity,
  state: 'open',
  message: `mains at 5.3 kW above 4 kW`,
  createdAt: T0,
  updatedAt: T0,
});
const prefs = (userId: string, patch: Partial<NotificationPrefs> = {}): NotificationPrefs => ({
  userId,
  orgId: 'o1',
  enabled: true,
  email: null,
  severities: ['warning', 'critical'],
  rules: [],
  delivery: 'immediate',
  digestMinutes: 60,
  updatedAt: T0,
  ...patch,
});
const USERS: Record<string, { email: string; disabled: boolean }> = {
  ana: { email: 'ana@example.org', disabled: false },
  ben: { email: 'ben@example.org', disabled: false },
  cy: { email: 'cy@example.org', disabled: true },
  dee: { email: 'dee@example.org', disabled: false },
};

describe('e-mail notifier', () => {
  let sink: SmtpSink;
  let notifier: EmailNotifier | undefined;
  let clock = T0;
  const { logger, records: logs } = captureLogger();
  const make = (list: NotificationPrefs[], url = sink.url): EmailNotifier => {
    notifier = createEmailNotifier({
      prefs: {
        listEnabled: async (orgId) => list.filter((p) => p.orgId === orgId && p.enabled),
        getPrefs: async (id) => list.find((p) => p.userId === id),
      },
      user: async (id) => USERS[id],
      names: async () => ({ facility: 'Bakery Zuid', channel: 'mains', timeZone: 'Europe/Amsterdam' }),
      transport: createSmtpTransport({ url, from: 'Loadscope <alerts@loadscope.test>', timeoutMs: 20_000 }),
      links: { publicUrl: 'https://loadscope.example.org' },
      now: () => clock,
      logger,
      outbox: { firstDelayMs: 30_000 },
      prefsTtlMs: 0,
    });
    return notifier;
  };
  // Generous: the whole suite runs beside this on a shared 2-core machine, and a slow first SMTP
  // connection must not be mistaken for a lost mail.
  const until = async (check: () => boolean, ms = 30_000): Promise<void> => {
    for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 10)))
      if (Date.now() > end) throw new Error(`timed out; notifier log: ${JSON.stringify(logs)}`);
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await notifier?.close();
    notifier = undefined;
    sink.mails.length = 0;
    logs.length = 0;
    clock = T0;
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('matches by organisation, severity and rule', () => {
    expect(wants(prefs('ana'), alert('spike', 'critical'))).toBe(true);
    expect(wants(prefs('ana'), alert('spike', 'info'))).toBe(false);
    expect(wants(prefs('ana', { rules: ['night base'] }), alert('spike', 'critical'))).toBe(false);
    expect(wants(prefs('ana', { rules: ['spike'] }), alert('spike', 'warning'))).toBe(true);
    expect(wants(prefs('ana'), alert('spike', 'critical', 'o2'))).toBe(false);
    expect(wants(prefs('ana', { enabled: false }), alert('spike', 'critical'))).toBe(false);
  });

  it('sends one e-mail per matching user at once, with a link back to the alert', async () => {
    const n = make([
      prefs('ana'),
      prefs('ben', { rules: ['night base'] }),
      prefs('cy'),
      prefs('dee', { email: 'ops@example.org', severities: ['critical'] }),
    ]);
    const a = alert('spike', 'critical');
    await n.forward(a);
    await until(() => sink.mails.length === 2);
    const byTo = Object.fromEntries(sink.mails.map((m) => [m.to.join(','), m]));
    expect(Object.keys(byTo).sort()).toEqual(['ana@example.org', 'ops@example.org']);
    const m = byTo['ana@example.org'];
    expect(m?.subject).toBe('[Loadscope] CRITICAL: spike at Bakery Zuid (mains)');
    expect(m?.body).toContain('mains at 5.3 kW above 4 kW');
    expect(m?.body).toContain(`https://loadscope.example.org/alerts?alert=${a.id}`);
    expect(m?.body).toContain('2026-12-03 07:14 UTC (08:14 Europe/Amsterdam)');
    expect(m?.body).toContain('https://loadscope.example.org/settings');
    // A warning reaches ana only (dee chose critical).
    await n.forward(alert('spike', 'warning'));
    await until(() => sink.mails.length === 3);
    expect(sink.mails[2]?.to).toEqual(['ana@example.org']);
  });

  it('collects a digest and sends it when its period is over', async () => {
    const n = make([prefs('ana', { delivery: 'digest', digestMinutes: 60 })]);
    const sent = [alert('spike', 'critical'), alert('spike', 'warning'), alert('night base', 'warning')];
    for (const a of sent) await n.forward(a);
    clock += 59 * 60_000;
    await n.tick();
    expect(sink.mails).toEqual([]);
    expect(n.pending().digests).toBe(3);
    clock += 60_000;
    await n.tick();
    await until(() => sink.mails.length === 1);
    const m = sink.mails[0];
    expect(m?.subject).toBe('[Loadscope] 3 alerts in the last 1 h (1 critical)');
    for (const a of sent) expect(m?.body).toContain(`/alerts?alert=${a.id}`);
    expect(n.pending()).toEqual({ outbox: 0, digests: 0 });
  });

  it('retries a refused mail later, and logs each failure', async () => {
    const n = make([prefs('ana')]);
    sink.refuseNext(2);
    await n.forward(alert('spike', 'critical'));
    await until(() => logs.length === 1);
    expect(logs[0]?.msg).toMatch(/attempt 1 failed, retrying in 30 s: .* to ana@example.org: .*451/);
    clock += 30_000;
    await n.tick();
    expect(logs[1]?.msg).toMatch(/attempt 2 failed, retrying in 60 s/);
    clock += 60_000;
    await n.tick();
    expect(sink.mails.map((m) => m.to)).toEqual([['ana@example.org']]);
    expect(n.pending().outbox).toBe(0);
  });

  it('does not hold up the pipeline when the mail server is down', async () => {
    // A port nothing listens on: connecting fails, the mail waits in the outbox.
    const n = make([prefs('ana')], 'smtp://127.0.0.1:9');
    await n.forward(alert('spike', 'critical'));
    // forward() resolved before the connection attempt failed: the alert path never waits for mail.
    expect(logs).toEqual([]);
    await until(() => logs.length === 1);
    expect(logs[0]?.msg).toMatch(/attempt 1 failed.*127\.0\.0\.1:9/);
    expect(n.pending().outbox).toBe(1);
  });

  it('sends a test e-mail to the chosen address, and says why it cannot', async () => {
    const n = make([]);
    expect(await n.sendTest('ana', null)).toBe('ana@example.org');
    await until(() => sink.mails.length === 1);
    expect(sink.mails[0]?.subject).toContain('Test');
    await expect(n.sendTest('cy', null)).rejects.toThrow(/no address/);
  });
});
