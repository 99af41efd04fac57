/**
 * The retention card of the admin page in headless Chromium, at phone (390 px) and desktop (1280 px)
 * width: it shows the organisation's windows (35 and 400 days by default), refuses a value that is
 * not whole days naming the field, saves a new window (the API answers it), and runs retention now
 * (the last run appears). Screenshots `retention-admin-<width>.png` go to LOADSCOPE_SHOTS, or
 * docs/screenshots with LOADSCOPE_SCREENSHOTS=docs.
 */
import type { Browser } from 'playwright-core';
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
if (unavailable) console.warn(`skipping the retention end-to-end tests: ${unavailable}`);

describe.skipIf(!!unavailable)('retention on the admin page', () => {
  let app: RunningApp;
  let browser: Browser;
  let rest: RestSession;

  beforeAll(async () => {
    app = await startApp({ simMeters: 2 });
    browser = await launchBrowser();
    rest = await restSession(app);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  for (const width of [1280, 390] as const)
    it(`shows, checks, saves and runs retention at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await loginPage(page, app);
      await page.goto(`${app.baseUrl}/admin`);
      await page.waitForSelector('[data-testid=retention]', { timeout: 60_000 });
      const before = await rest.get<{ rawDays: number; minuteDays: number }>('/api/v1/retention');
      expect(await page.locator('[data-testid=retention-raw] .stat-value').innerText()).toBe(
        `${before.rawDays} days`,
      );

      const raw = page.getByLabel('raw readings, days');
      await raw.fill('3.5');
      await page.locator('[data-testid=retention-form] button[type=submit]').click();
      await page.getByText('raw readings: expected whole days').waitFor();
      expect((await rest.get<{ rawDays: number }>('/api/v1/retention')).rawDays).toBe(before.rawDays);

      const days = width === 1280 ? 40 : 45;
      await raw.fill(String(days));
      await page.locator('[data-testid=retention-form] button[type=submit]').click();
      await page.waitForFunction(
        (d) => document.querySelector('[data-testid=retention-raw] .stat-value')?.textContent === `${d} days`,
        days,
      );
      expect((await rest.get<{ rawDays: number }>('/api/v1/retention')).rawDays).toBe(days);

      await page.locator('[data-testid=retention-run]').click();
      await page.getByText(/^Last run /).waitFor({ timeout: 60_000 });
      const state = await rest.get<{ lastRun: { at: number } | null }>('/api/v1/retention');
      expect(state.lastRun).not.toBeNull();
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(wide).toBe(false);
      await screenshot(page, `retention-admin-${width}`, '.card:has([data-testid=retention])');
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
});
