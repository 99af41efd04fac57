/**
 * An imported history from years ago opens where its data is (issue 14, item 11): after importing a
 * Green Button file of January 2014, the facility page's energy views end at the last reading (not an
 * empty today of 0 Wh) and say so, and explore opens on the last day of the data (not an empty last
 * 24 hours), from the facility page's link and from a bare channel link alike.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, e2eUnavailable, launchBrowser, loginPage, startApp, SHOTS } from './harness.ts';

const DATA = process.env['LOADSCOPE_DATA_DIR'] ?? join(import.meta.dirname, '../../../shared/data');
const GREEN_BUTTON = join(DATA, 'greenbutton/TestGBDataHourlyNineDaysBinnedDaily.xml');
const unavailable =
  e2eUnavailable() ?? (existsSync(GREEN_BUTTON) ? undefined : `${GREEN_BUTTON} is missing (shared data)`);
if (unavailable) console.warn(`skipping the imported-history end-to-end tests: ${unavailable}`);

describe.skipIf(!!unavailable)('an imported history opens where its data is', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let facilityId = '';
  let channelIds: string[] = [];

  beforeAll(async () => {
    app = await startApp({ simMeters: 2 });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await loginPage(page, app);
    const { csrfToken } = (await (await page.request.get(`${app.baseUrl}/api/v1/auth/me`)).json()) as {
      csrfToken: string;
    };
    const res = await page.request.post(`${app.baseUrl}/api/v1/imports?filename=history.xml&wait=true`, {
      data: readFileSync(GREEN_BUTTON),
      headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': csrfToken },
    });
    const record = (await res.json()) as { facilityId: string; state: string };
    expect(record.state, JSON.stringify(record)).toBe('done');
    facilityId = record.facilityId;
    const detail = (await (
      await page.request.get(`${app.baseUrl}/api/v1/facilities/${encodeURIComponent(facilityId)}`)
    ).json()) as { channels: { id: string }[] };
    channelIds = detail.channels.map((c) => c.id);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('ends the facility page at the last reading and says so', async () => {
    const extent = (await (
      await page.request.get(`${app.baseUrl}/api/v1/facilities/${encodeURIComponent(facilityId)}/extent`)
    ).json()) as { from: number; to: number };
    expect(new Date(extent.to).getUTCFullYear()).toBe(2014);
    // The batch layer rolls the imported readings up shortly after the import; reload until it has.
    await expect
      .poll(
        async () => {
          await page.goto(`${app.baseUrl}/facilities/${encodeURIComponent(facilityId)}?tz=utc`);
          await page.waitForSelector('[data-testid=energy-day]');
          return page.textContent('[data-testid=energy-day] .stat-value');
        },
        { timeout: 90_000, interval: 3000 },
      )
      .toMatch(/^[1-9][\d.]* k?Wh$/);
    expect(await page.textContent('[data-testid=energy-day] .stat-label')).toMatch(/^Last day, 2014-01-/);
    expect(await page.textContent('[data-testid=history-notice]')).toMatch(/last reading,\s*2014-01-/);
    // The live card says there is nothing live, instead of a mains power of 0 W.
    expect(await page.textContent('[data-testid=live-value]')).toBe('–');
    expect(await page.textContent('[data-testid=live-chart] .live-head')).toMatch(
      /no live readings; newest stored reading \d+ d ago/,
    );
    await page.waitForSelector('[data-testid=heatmap]');
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'facility-history-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, 'facility-history-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);

  it('opens explore on the last day of the data, from the facility page and from a bare link', async () => {
    const points = () =>
      expect
        .poll(async () => Number(await page.getAttribute('[data-testid=explore-chart]', 'data-points')), {
          timeout: 20_000,
        })
        .toBeGreaterThan(0);
    await page.locator('[data-testid=history-notice] a').click();
    await page.waitForURL(/\/explore\?/);
    await points();
    await page.goto(`${app.baseUrl}/explore?channels=${encodeURIComponent(channelIds.join(','))}&tz=utc`);
    await expect
      .poll(() => page.textContent('[data-testid=explore-status]'), { timeout: 20_000 })
      .toMatch(/→ 2014-01-/);
    await points();
    // The presets keep to the data: a week ending at its last reading.
    await page.getByRole('button', { name: '7 d', exact: true }).click();
    await expect
      .poll(() => page.textContent('[data-testid=explore-status]'), { timeout: 20_000 })
      .toMatch(/2014-01-.* → 2014-01-/);
    await points();
  }, 60_000);
});
