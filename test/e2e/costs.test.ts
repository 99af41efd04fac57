/**
 * Cost and carbon in headless Chromium, at phone (390 px) and desktop (1280 px) width, in light and
 * dark mode: `loadscope start` prices its simulated fleet with the example tariffs, the facility page
 * shows usage cost and CO2 with comparisons and a month's bill equal to the API's month rows, the
 * fleet page shows fleet totals and the highest bills, the zip-code page each area's cost; no page is
 * wider than the window. Screenshots (`cost-{facility,fleet,zip}-<scheme>-<width>.png`) go to
 * LOADSCOPE_SHOTS, or docs/screenshots with LOADSCOPE_SCREENSHOTS=docs.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningApp,
  type RestSession,
  e2eUnavailable,
  launchBrowser,
  loginPage,
  restSession,
  screenshot,
  startApp,
} from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) console.warn(`skipping the cost end-to-end tests: ${unavailable}`);

const DAY = 86_400_000;

/** Problems of a page at its width: wider than the window. */
async function overflow(page: Page): Promise<string | null> {
  return page.evaluate(() =>
    document.documentElement.scrollWidth > window.innerWidth
      ? `${document.documentElement.scrollWidth} px wide in ${window.innerWidth} px`
      : null,
  );
}

describe.skipIf(!!unavailable)('cost and carbon pages', () => {
  let app: RunningApp;
  let browser: Browser;
  let rest: RestSession;
  let facilityId = '';

  beforeAll(async () => {
    app = await startApp({ simMeters: 8 });
    browser = await launchBrowser();
    rest = await restSession(app);
    const now = Date.now();
    // The first batch run of `loadscope start` prices the backfill; wait for it.
    for (let i = 0; i < 120 && !facilityId; i++) {
      const rows = await rest.get<{ key: string; commodity: string }[]>(
        `/api/v1/costs/fleet?period=day&from=${now - 10 * DAY}&to=${now + DAY}`,
      );
      facilityId = rows.find((r) => r.commodity === 'electricity')?.key ?? '';
      if (!facilityId) await new Promise((r) => setTimeout(r, 500));
    }
    if (!facilityId) throw new Error(`no costs after start:\n${app.output()}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('loads the example tariffs for the simulated fleet', async () => {
    const t = await rest.get<{ tariffs: { name: string }[]; regions: string[] }>('/api/v1/tariffs');
    expect(new Set(t.tariffs.map((x) => x.name)).size).toBe(7);
    expect(t.regions).toEqual(['NYISO']);
  });

  for (const scheme of ['light', 'dark'] as const)
    for (const width of [390, 1280] as const) {
      it(`shows cost and carbon on the facility and fleet pages at ${width} px, ${scheme}`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await loginPage(page, app);

        await page.goto(`${app.baseUrl}/facilities/${encodeURIComponent(facilityId)}`);
        await page.waitForSelector('[data-testid=cost-stats]', { timeout: 60_000 });
        await page.waitForSelector('[data-testid=cost-chart] rect', { timeout: 30_000 });
        const month = await page.locator('[data-testid=cost-month] .stat-value').innerText();
        expect(month).toMatch(/^\$[\d,]+\.\d\d$/);
        expect(await page.locator('[data-testid=carbon-month] .stat-value').innerText()).toMatch(
          /kg CO₂|t CO₂/,
        );
        expect(await page.locator('[data-testid=cost-months] tbody tr').count()).toBeGreaterThan(0);
        // The bill shown is the API's month rows summed over commodities, in dollars and cents.
        const now = Date.now();
        const rows = await rest.get<{ label: string; cost: number }[]>(
          `/api/v1/costs?level=facility&key=${encodeURIComponent(facilityId)}&period=month&from=${now - 40 * DAY}&to=${now + DAY}`,
        );
        const bill = await page.locator('[data-testid=cost-bill] strong').innerText();
        const label = (await page.locator('[data-testid=cost-bill]').innerText()).match(
          /Bill for (\d{4}-\d\d)/,
        )?.[1];
        const expected = rows.filter((r) => r.label === label).reduce((s, r) => s + r.cost, 0);
        expect(bill).toBe(
          `$${expected.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
        );
        expect(await overflow(page)).toBeNull();
        await page.waitForTimeout(300);
        await screenshot(page, `cost-facility-${scheme}-${width}`, '.card:has([data-testid=cost-stats])');

        await page.goto(`${app.baseUrl}/`);
        await page.waitForSelector('[data-testid=fleet-cost-stats]', { timeout: 30_000 });
        expect(await page.locator('[data-testid=fleet-cost-month] .stat-value').innerText()).toMatch(/^\$/);
        expect(await page.locator('[data-testid=fleet-cost-top] tbody tr').count()).toBeGreaterThan(0);
        expect(await overflow(page)).toBeNull();
        await screenshot(page, `cost-fleet-${scheme}-${width}`, '.card:has([data-testid=fleet-cost-stats])');

        // Zip codes: each electricity row carries its cost over the span, as the API's zip rows sum it.
        await page.goto(`${app.baseUrl}/zip`);
        await page.waitForSelector('[data-testid=zip-table] [data-testid=zip-cost]', { timeout: 30_000 });
        const cells = await page.locator('[data-testid=zip-table] [data-testid=zip-cost]').allInnerTexts();
        expect(cells.length).toBeGreaterThan(0);
        for (const c of cells) expect(c).toMatch(/^\$[\d,]+\.\d\d$|^–$/);
        expect(cells.some((c) => c !== '–')).toBe(true);
        expect(await overflow(page)).toBeNull();
        await screenshot(page, `cost-zip-${scheme}-${width}`, '.card:has([data-testid=zip-table])');
        expect(errors).toEqual([]);
        await context.close();
      }, 120_000);
    }
});
