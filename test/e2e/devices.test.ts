/**
 * The device registry in headless Chromium against the whole platform: an administrator provisions a
 * device for a facility (the token shown once, copied with the button, with the MQTT and HTTP
 * commands), the device sends over HTTP with it (one good reading, one refused) and shows online with
 * its rate and refused count; rotating from the page issues a new token and the old one is refused at
 * once. A viewer sees the same list read-only. At 1280 and 390 px, light and dark; screenshots
 * `devices-<theme>-<width>.png` and `devices-token-<theme>-<width>.png` go to LOADSCOPE_SHOTS (docs/screenshots with LOADSCOPE_SCREENSHOTS=docs).
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RestSession,
  type RunningApp,
  SHOTS,
  e2eUnavailable,
  launchBrowser,
  loginPage,
  restSession,
  screenshot,
  startApp,
} from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) console.warn(`skipping the device registry end-to-end tests: ${unavailable}`);

const VIEWER = { email: 'e2e-viewer', password: 'viewer-password-123' };

describe.skipIf(!!unavailable)('device registry page', () => {
  let app: RunningApp;
  let browser: Browser;
  let rest: RestSession;
  let facility = { id: '', name: '', channelId: '' };

  const send = async (token: string, readings: unknown[]): Promise<number> => {
    const res = await fetch(`${app.baseUrl}/api/v1/readings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ readings }),
    });
    await res.arrayBuffer();
    return res.status;
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startApp({ simMeters: 4 });
    browser = await launchBrowser();
    rest = await restSession(app);
    type Detail = {
      facility: { name: string };
      channels: { id: string; isMains: boolean; measurement: string }[];
    };
    // The server answers before the simulated fleet is loaded: wait for a facility with a channel.
    for (const until = Date.now() + 90_000; !facility.id && Date.now() < until;) {
      for (const f of await rest.get<{ id: string }[]>('/api/v1/facilities')) {
        const d = await rest.get<Detail>(`/api/v1/facilities/${encodeURIComponent(f.id)}`);
        const power =
          d.channels.find((c) => c.isMains && c.measurement === 'power') ??
          d.channels.find((c) => c.measurement === 'power') ??
          d.channels[0];
        if (power) facility = { id: f.id, name: d.facility.name, channelId: power.id };
      }
      if (!facility.id) await new Promise((r) => setTimeout(r, 500));
    }
    if (!facility.id) throw new Error(`no facility with a channel:\n${app.output()}`);
    await rest.send('POST', '/api/v1/users', { ...VIEWER, role: 'viewer' });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  for (const theme of ['light', 'dark'] as const)
    for (const width of [1280, 390] as const) {
      it(`provisions, shows activity and rotates at ${width} px in ${theme} mode`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: theme });
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('dialog', (d) => void d.accept());
        await loginPage(page, app);
        await page.goto(`${app.baseUrl}/devices`);
        await expect
          .poll(() => page.textContent('[data-testid=device-thresholds]'))
          .toContain('Online: sent within 2 min. Stale: within 1 h.');

        const name = `gw-${theme}-${width}`;
        await page.fill('input[aria-label="device name"]', name);
        await page.selectOption('select[aria-label=facility]', facility.id);
        await page.click('button:has-text("Provision")');
        const card = page.locator('[data-testid=device-token]');
        await card.waitFor();
        const token = (await card.locator('pre[aria-label=token]').textContent())!.trim();
        expect(token).toMatch(/^lsd_\S{43}$/);
        expect(await card.locator('pre[aria-label="MQTT command"]').textContent()).toContain(`-P '${token}'`);
        expect(await card.locator('pre[aria-label="HTTP command"]').textContent()).toContain(
          `${app.baseUrl}/api/v1/readings`,
        );
        await card.locator('button[aria-label="copy token"]').click();
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
        await screenshot(page, `devices-token-${theme}-${width}`, '[data-testid=device-token]');

        // The device sends one good reading and one for a channel it may not use.
        const now = Date.now();
        expect(
          await send(token, [
            { channel: facility.channelId, ts: now - 500, value: 321 },
            { channel: 'not-a-channel', ts: now, value: 1 },
          ]),
        ).toBe(202);
        await card.locator('button:has-text("Done")').click();
        await page.reload();
        const row = page.locator(`[data-testid=device-${name}]`);
        await row.waitFor();
        expect(await row.locator('.device-status').textContent()).toBe('online');
        expect(await row.locator('td[data-label="Refused 24 h"]').textContent()).toBe('1');
        expect(await row.locator('td[data-label="Msgs/min"]').textContent()).toBe('0.2');
        expect(await row.locator(`select[aria-label="facility of ${name}"]`).inputValue()).toBe(facility.id);
        expect(await row.textContent()).not.toContain(token);
        await screenshot(page, `devices-${theme}-${width}`);

        await row.locator('button:has-text("Rotate")').click();
        const rotated = page.locator('[data-testid=device-token] pre[aria-label=token]');
        await expect.poll(async () => (await rotated.textContent())?.trim()).toMatch(/^lsd_/);
        const fresh = (await rotated.textContent())!.trim();
        expect(fresh).not.toBe(token);
        expect(await send(token, [{ channel: facility.channelId, ts: Date.now(), value: 1 }])).toBe(401);
        expect(await send(fresh, [{ channel: facility.channelId, ts: Date.now(), value: 1 }])).toBe(202);
        expect(errors).toEqual([]);
        await context.close();
      }, 120_000);
    }

  it('shows a viewer the list read-only', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await loginPage(page, { ...app, login: VIEWER.email, password: VIEWER.password });
    await page.goto(`${app.baseUrl}/devices`);
    await page.locator('[data-testid=device-gw-light-1280]').waitFor();
    expect(await page.textContent('[data-testid=device-thresholds]')).toContain(
      'an administrator manages the devices',
    );
    expect(await page.locator('input[aria-label="device name"]').count()).toBe(0);
    expect(await page.locator('button:has-text("Rotate")').count()).toBe(0);
    expect(await page.locator('select[aria-label^="facility of"]').count()).toBe(0);
    await context.close();
  }, 60_000);
});
