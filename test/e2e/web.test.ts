/**
 * End to end in headless Chromium against the whole platform: log in, open a facility and watch live
 * power move, raise an alert with a spike sent over HTTP and acknowledge it, explore a channel and
 * zoom, import a Green Button file, and visit the zip-code and admin pages. Each page is saved as a
 * screenshot (see SCREENSHOTS in harness.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RestSession,
  type RunningApp,
  e2eUnavailable,
  launchBrowser,
  loginPage,
  restSession,
  screenshot,
  startApp,
} from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) console.warn(`skipping the web end-to-end tests: ${unavailable}`);
const DATA = process.env['LOADSCOPE_DATA_DIR'] ?? join(import.meta.dirname, '../../../shared/data');
const GREEN_BUTTON = join(DATA, 'greenbutton/TestGBDataHourlyNineDaysBinnedDaily.xml');

interface Detail {
  facility: { id: string; name: string };
  channels: { id: string; isMains: boolean; measurement: string; unit: string }[];
}

describe.skipIf(!!unavailable)('web application end to end', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let rest: RestSession;
  let facility: Detail;
  let mains: string;
  const errors: string[] = [];

  beforeAll(async () => {
    app = await startApp({ simMeters: 12 });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    rest = await restSession(app);
    // A facility of the simulated fleet with a live mains power channel.
    const list = await rest.get<{ id: string }[]>('/api/v1/facilities');
    for (const f of list) {
      const d = await rest.get<Detail>(`/api/v1/facilities/${encodeURIComponent(f.id)}`);
      const m = d.channels.find((c) => c.isMains && c.measurement === 'power');
      if (m) {
        facility = d;
        mains = m.id;
        break;
      }
    }
    if (!mains)
      throw new Error(`no facility with a mains power channel among ${list.length}:\n${app.output()}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('logs in and lists the fleet', async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.waitForSelector('input[name=email]');
    await screenshot(page, 'login', '.login-card');
    await loginPage(page, app);
    const rows = await page.locator('[data-testid=fleet-table] tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    // Latest mains power appears once the stream layer has stored a live value (the list refreshes every 5 s).
    const powers = async () =>
      (await page.locator('[data-testid=fleet-power]').allTextContents()).filter((t) => /\d/.test(t));
    await expect
      .poll(async () => (await powers()).length, { timeout: 30_000, interval: 1000 })
      .toBeGreaterThan(0);
    await screenshot(page, 'fleet');
  });

  it('opens a facility and sees live power move', async () => {
    await page.goto(`${app.baseUrl}/facilities/${encodeURIComponent(facility.facility.id)}`);
    await expect
      .poll(() => page.textContent('[data-testid=facility-name]'), { timeout: 15_000 })
      .toBe(facility.facility.name);
    const lastTs = async () =>
      Number((await page.getAttribute('[data-testid=live-chart]', 'data-last-ts')) || NaN);
    await expect.poll(lastTs, { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
    const first = await lastTs();
    // The chart's newest timestamp advances while we watch.
    await expect.poll(lastTs, { timeout: 30_000, interval: 500 }).toBeGreaterThan(first);
    // Today is compared with yesterday up to the same time, coloured by meaning (issue 14, item 4).
    const tone = page.locator('[data-testid=energy-stats] [data-tone]').first();
    await tone.waitFor({ timeout: 15_000 });
    expect(await page.textContent('[data-testid=energy-stats]')).toMatch(/vs yesterday by this time/);
    const expectedClass = { less: 'down', more: 'up', same: 'flat', none: 'flat' } as const;
    const t = (await tone.getAttribute('data-tone')) as keyof typeof expectedClass;
    expect(await tone.getAttribute('class')).toBe(expectedClass[t]);
    await screenshot(page, 'facility');
  });

  it('shows live power derived from interval energy for a home without a power channel (issue 14, item 8)', async () => {
    const list = await rest.get<{ id: string; latestPowerDerived?: boolean }[]>('/api/v1/facilities');
    let home: Detail | undefined;
    for (const f of list) {
      const d = await rest.get<Detail>(`/api/v1/facilities/${encodeURIComponent(f.id)}`);
      const mainsKinds = d.channels.filter((c) => c.isMains).map((c) => `${c.measurement}/${c.unit}`);
      if (mainsKinds.includes('interval/Wh') && !mainsKinds.some((k) => k.startsWith('power/'))) {
        home = d;
        break;
      }
    }
    if (!home) throw new Error('the simulated fleet has no interval-energy-only facility');
    await page.goto(`${app.baseUrl}/facilities/${encodeURIComponent(home.facility.id)}`);
    await page.waitForSelector('[data-testid=power-derived]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid=power-derived]')).toMatch(/average power over each 5 min/);
    const lastTs = async () =>
      Number((await page.getAttribute('[data-testid=live-chart]', 'data-last-ts')) || NaN);
    await expect.poll(lastTs, { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=live-value]')).toMatch(/\d+(\.\d+)? k?W$/);
    expect(await page.locator('text=No mains power channel').count()).toBe(0);
    // The fleet list flags the power as derived once the meter's newest interval has streamed in.
    const item = (
      await rest.get<{ id: string; latestPower: number | null; latestPowerDerived?: boolean }[]>(
        '/api/v1/facilities',
      )
    ).find((f) => f.id === home.facility.id);
    if (item?.latestPower !== null) expect(item?.latestPowerDerived).toBe(true);
  });

  it('receives an alert caused by a spike and acknowledges it', async () => {
    const rule = `e2e-spike-${Date.now()}`;
    await rest.send('POST', '/api/v1/rules', {
      name: rule,
      severity: 'critical',
      scope: { channelIds: [mains] },
      condition: { type: 'above', value: 150_000 },
    });
    const { token } = await rest.send<{ token: string }>('POST', '/api/v1/tokens', {
      name: 'e2e device',
      role: 'analyst',
    });
    await page.goto(`${app.baseUrl}/alerts`);
    await page.waitForSelector('[data-testid=rule-list]');
    const res = await fetch(`${app.baseUrl}/api/v1/readings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ readings: [{ channel: mains, ts: Date.now(), value: 250_000 }] }),
    });
    expect(res.status, await res.text()).toBe(202);
    const item = page.locator('[data-testid=alert-list] li', { hasText: rule }).first();
    await item.waitFor({ timeout: 30_000 });
    expect(await item.getAttribute('data-state')).toBe('open');
    await screenshot(page, 'alerts');
    await item.getByRole('button', { name: 'Acknowledge' }).click();
    await page.selectOption('select[aria-label=state]', '');
    await expect.poll(() => item.getAttribute('data-state'), { timeout: 10_000 }).toBe('acknowledged');
    const id = await item.getAttribute('data-alert-id');
    const stored = await rest.get<{ id: string; state: string }[]>(
      `/api/v1/alerts?state=acknowledged&limit=1000`,
    );
    expect(stored.find((a) => a.id === id)?.state).toBe('acknowledged');
  });

  it('explores a channel and zooms in', async () => {
    await page.goto(`${app.baseUrl}/explore?channels=${encodeURIComponent(mains)}`);
    await page.getByRole('button', { name: '1 h', exact: true }).click();
    const chart = page.locator('[data-testid=explore-chart]');
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 })
      .toBeGreaterThan(0);
    const before = await page.textContent('[data-testid=explore-status]');
    // Drag across the middle of the plot to zoom in; the page refetches the narrower range.
    const over = chart.locator('.u-over');
    const box = await over.boundingBox();
    if (!box) throw new Error('the chart has no plot area');
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(() => page.textContent('[data-testid=explore-status]'), { timeout: 15_000 })
      .not.toBe(before);
    // The refetched range is drawn: the chart's draw comes after the newest request, and loading is over.
    await page.waitForFunction(
      () => {
        const status = document.querySelector('[data-testid=explore-status]');
        const req = Number(status?.getAttribute('data-requested-at'));
        const chartEl = document.querySelector<HTMLElement>('[data-testid=explore-chart]');
        const drawn = Number(chartEl?.dataset['drawnAt']);
        return req > 0 && drawn > req && !status?.textContent?.includes('loading');
      },
      undefined,
      { timeout: 15_000 },
    );
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
    await screenshot(page, 'explore');
  });

  it.skipIf(!existsSync(GREEN_BUTTON))('imports a Green Button file', async () => {
    await page.goto(`${app.baseUrl}/import`);
    await page.setInputFiles('[data-testid=import-file]', GREEN_BUTTON);
    await page.getByRole('button', { name: 'Import' }).click();
    const done = await page.waitForSelector('[data-testid=import-summary], [role=alert]', {
      timeout: 60_000,
    });
    expect(await done.getAttribute('data-testid'), (await done.textContent()) ?? '').toBe('import-summary');
    const stored = Number(((await page.textContent('[data-testid=import-stored]')) ?? '').replace(/\D/g, ''));
    expect(stored).toBeGreaterThan(0);
    await screenshot(page, 'import');
  });

  it('shows the zip-code view and the admin page', async () => {
    await page.goto(`${app.baseUrl}/zip`);
    await page.waitForSelector('h1');
    await page.waitForTimeout(1500);
    await screenshot(page, 'zip');
    await page.goto(`${app.baseUrl}/admin`);
    // The table renders its header first and its rows when the user list arrives.
    await page.waitForFunction(
      (login) => document.querySelector('[data-testid=users-table]')?.textContent?.includes(login) ?? false,
      app.login,
      { timeout: 30_000 },
    );
    expect(await page.textContent('[data-testid=users-table]')).toContain(app.login);
    // Times carry their zone's short name (the zone chosen in the header), not a bare local time.
    expect(await page.textContent('[data-testid=users-table]')).toMatch(
      /\d\d:\d\d:\d\d [A-Z][A-Za-z0-9+:-]+/,
    );
    await screenshot(page, 'admin');
    expect(errors).toEqual([]);
  });
});
