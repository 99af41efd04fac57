/**
 * Alerts that reach people, in headless Chromium against the whole platform and a real SMTP server
 * started here: a user saves their alert e-mail settings on the Settings page and sends a test
 * e-mail; builds a rule with the form on the alerts page (no YAML); the simulated fleet trips it, the
 * e-mail arrives, and its link opens that alert in the web app. At 1280 px and 390 px; screenshots go
 * to LOADSCOPE_SHOTS as `settings-<width>.png` and `rule-builder-<width>.png`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../../src/notify/testing/smtp-sink.ts';
import {
  type RunningApp,
  e2eUnavailable,
  launchBrowser,
  loginPage,
  restSession,
  startApp,
  SHOTS,
} from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) console.warn(`skipping the alert e-mail end-to-end tests: ${unavailable}`);

describe.skipIf(!!unavailable)('alert e-mails from the web app', () => {
  let sink: SmtpSink;
  let app: RunningApp;
  let browser: Browser;
  let facilityId = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sink = await startSmtpSink();
    app = await startApp({ simMeters: 6, env: { LOADSCOPE_SMTP_URL: sink.url } });
    browser = await launchBrowser();
    // A facility with a live mains power channel: the simulated fleet streams it every few seconds.
    const rest = await restSession(app);
    type Detail = { channels: { isMains: boolean; measurement: string }[] };
    for (const f of await rest.get<{ id: string }[]>('/api/v1/facilities')) {
      const d = await rest.get<Detail>(`/api/v1/facilities/${encodeURIComponent(f.id)}`);
      if (d.channels.some((c) => c.isMains && c.measurement === 'power')) facilityId = f.id;
    }
    if (!facilityId) throw new Error(`no facility with a mains power channel:\n${app.output()}`);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await sink?.close();
  });

  for (const width of [390, 1280] as const) {
    it(`saves settings, builds a rule with the form and follows the e-mail's link at ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await loginPage(page, app);
      const to = `ops-${width}@example.org`;
      await page.goto(`${app.baseUrl}/settings`);
      const form = page.locator('[data-testid=notification-settings]');
      await form.waitFor();
      await form.locator('input[name=enabled]').check();
      await form.locator('input[name=email]').fill('not an address');
      await form.locator('button[type=submit]').click();
      await expect.poll(() => page.textContent('[data-testid=settings-result]')).toMatch(/email/);
      await form.locator('input[name=email]').fill(to);
      await form.locator('input[name=severity-warning]').uncheck();
      await form.locator('button[type=submit]').click();
      await expect.poll(() => page.textContent('[data-testid=settings-result]')).toBe('Saved.');
      await page.screenshot({ path: join(SHOTS, `settings-${width}.png`), fullPage: true });
      await form.getByRole('button', { name: 'Send a test e-mail' }).click();
      await expect
        .poll(() => page.textContent('[data-testid=settings-result]'))
        .toBe(`Test e-mail sent to ${to}.`);
      expect(sink.mails.some((m) => m.to.includes(to) && /Test/.test(m.subject))).toBe(true);

      // A rule from the form: any mains power above 1 W, critical; the simulated homes trip it.
      await page.goto(`${app.baseUrl}/alerts`);
      const builder = page.locator('[data-testid=rule-builder]');
      await builder.waitFor();
      await expect.poll(() => builder.locator('select[name=facility] option').count()).toBeGreaterThan(1);
      await builder.locator('select[name=facility]').selectOption(facilityId);
      await builder.locator('select[name=kind]').selectOption('above');
      await builder.locator('input[name=threshold]').fill('1');
      await builder.locator('select[name=unit]').selectOption('W');
      await builder.locator('input[name=duration]').fill('');
      await builder.locator('select[name=severity]').selectOption('critical');
      await builder.locator('input[name=name]').fill('bad name');
      expect(await page.textContent('[data-testid=rule-builder-problem]')).toMatch(/name/);
      const rule = `e2e-any-load-${width}`;
      await builder.locator('input[name=name]').fill(rule);
      expect(await page.textContent('[data-testid=rule-builder-yaml]')).toContain('type: above');
      await page.screenshot({ path: join(SHOTS, `rule-builder-${width}.png`), fullPage: true });
      await builder.locator('button[type=submit]').click();
      await expect.poll(() => builder.locator('.notice').textContent()).toBe(`Saved rule '${rule}'.`);
      await expect.poll(() => page.locator('[data-testid=rule-list]').textContent()).toContain(rule);

      // The alert's e-mail arrives; its link opens the alert.
      const mail = async () => sink.mails.find((m) => m.to.includes(to) && m.subject.includes(rule));
      await expect
        .poll(mail, { timeout: 60_000, interval: 500 })
        .toBeTruthy()
        .catch((err: unknown) => {
          const seen = sink.mails.map((x) => `${x.to.join(',')}: ${x.subject}`).slice(-10);
          throw new Error(
            `no e-mail for ${rule} to ${to}; last mails:\n${seen.join('\n')}\n${app.output().slice(-3000)}`,
            { cause: err },
          );
        });
      const m = await mail();
      expect(m?.subject).toMatch(new RegExp(`^\\[Loadscope\\] CRITICAL: ${rule} at .+ \\(mains\\)$`));
      const link = /(http:\/\/\S+\/alerts\?alert=[0-9a-f]+)/.exec(m?.body ?? '')?.[1];
      expect(link?.startsWith(app.baseUrl)).toBe(true);
      await page.goto(link as string);
      const linked = page.locator('[data-testid=linked-alert]');
      await expect.poll(() => linked.textContent(), { timeout: 15_000 }).toContain(rule);
      expect(errors).toEqual([]);
      await page.close();
    }, 150_000);
  }
});
