/**
 * Any time range on the facility page in headless Chromium (issue 16, item 4): a preset, a custom
 * range through the calendar inputs, a comparison, and a reload of the URL showing the same view; at
 * 390 and 1280 px in light and dark mode. Screenshots `range-facility-<scheme>-<width>.png` go to
 * LOADSCOPE_SHOTS, or docs/screenshots with LOADSCOPE_SCREENSHOTS=docs.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../src/util/time/index.ts';
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
if (unavailable) console.warn(`skipping the range end-to-end tests: ${unavailable}`);

describe.skipIf(!!unavailable)('any time range on the facility page', () => {
  let app: RunningApp;
  let browser: Browser;
  let rest: RestSession;
  let facility = { id: '', timeZone: 'UTC' };

  beforeAll(async () => {
    app = await startApp({ simMeters: 4 });
    browser = await launchBrowser();
    rest = await restSession(app);
    const fleet = await rest.get<{ id: string; timeZone: string }[]>('/api/v1/facilities');
    facility = fleet[0]!;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  for (const scheme of ['light', 'dark'] as const)
    for (const width of [390, 1280] as const) {
      it(`takes a preset, a custom range and a comparison, and keeps them in the URL (${width} px, ${scheme})`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await loginPage(page, app);
        const today = localDate(Date.now(), facility.timeZone);
        await page.goto(`${app.baseUrl}/facilities/${encodeURIComponent(facility.id)}`);
        await page.waitForSelector('[data-testid=range-stats]', { timeout: 60_000 });

        await page.selectOption('[data-testid=range-preset]', 'yesterday');
        const yesterday = addDays(today, -1);
        await page.waitForURL(new RegExp(`from=${yesterday}&to=${yesterday}`));
        await page.waitForSelector(`[data-testid=range-total] >> text=${yesterday} – ${yesterday}`);

        const from = addDays(today, -3);
        await page.fill('[data-testid=range-from]', from);
        await page.fill('[data-testid=range-to]', today);
        await page.click('[data-testid=range-apply]');
        await page.waitForURL(new RegExp(`from=${from}&to=${today}`));
        expect(await page.inputValue('[data-testid=range-preset]')).toBe('custom');

        await page.selectOption('[data-testid=range-cmp]', 'year');
        await page.waitForURL(/cmp=year/);
        await page.waitForSelector(`[data-testid=range-total] >> text=${addDays(from, -365).slice(0, 4)}`);
        const shown = await page.locator('[data-testid=range-total]').innerText();
        expect(shown).toContain(`${from} – ${today}`);
        expect(shown).toMatch(/kWh/);

        // The API's figure for the same range is what the page states.
        const api = await rest.get<{ totals: { unit: string; current: number }[] }>(
          `/api/v1/facilities/${encodeURIComponent(facility.id)}/range?from=${from}&to=${today}&cmp=year`,
        );
        const wh = api.totals.find((t) => t.unit === 'Wh')?.current ?? 0;
        expect(shown).toContain((wh / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 }));

        await page.reload();
        await page.waitForSelector('[data-testid=range-stats]', { timeout: 30_000 });
        expect(await page.inputValue('[data-testid=range-from]')).toBe(from);
        expect(await page.inputValue('[data-testid=range-to]')).toBe(today);
        expect(await page.inputValue('[data-testid=range-cmp]')).toBe('year');
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(
          true,
        );
        await screenshot(page, `range-facility-${scheme}-${width}`, '.card:has([data-testid=range-picker])');
        expect(errors).toEqual([]);
        await context.close();
      }, 120_000);
    }
});
