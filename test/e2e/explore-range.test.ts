/**
 * Any time range on the explore page in headless Chromium (issue 16, item 4): a preset read at the
 * suggested resolution, a comparison laid over the chart with totals that match the API, a custom
 * range from the calendar, a comparison period with no data flagged as partial, the URL reopening the
 * view and back/forward stepping through it, and hostile links (from after to, garbage, a year at raw
 * resolution) answered with a message and a drawn chart. Screenshots `explore-range-<scheme>-<width>.png`
 * at 390 and 1280 px, light and dark, go to LOADSCOPE_SHOTS, or docs/screenshots with
 * LOADSCOPE_SCREENSHOTS=docs.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate, localDays } from '../../src/util/time/index.ts';
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
if (unavailable) console.warn(`skipping the explore range end-to-end tests: ${unavailable}`);

interface Detail {
  facility: { id: string; timeZone: string };
  channels: { id: string; isMains: boolean; unit: string }[];
}

type Totals = { current: number; comparison: number | null; partial: boolean };

describe.skipIf(!!unavailable)('any time range on the explore page', () => {
  let app: RunningApp;
  let browser: Browser;
  let rest: RestSession;
  let facility = { id: '', timeZone: 'UTC' };
  let mains = '';
  let base = '';

  beforeAll(async () => {
    app = await startApp({ simMeters: 4 });
    browser = await launchBrowser();
    rest = await restSession(app);
    for (const f of await rest.get<{ id: string }[]>('/api/v1/facilities')) {
      const d = await rest.get<Detail>(`/api/v1/facilities/${encodeURIComponent(f.id)}`);
      const m = d.channels.find((c) => c.isMains && c.unit === 'Wh');
      if (m) {
        facility = d.facility;
        mains = m.id;
        break;
      }
    }
    if (!mains) throw new Error(`no facility with an electricity mains channel:\n${app.output()}`);
    base = `${app.baseUrl}/explore?channels=${encodeURIComponent(mains)}&tz=facility`;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const drawn = (page: Page) =>
    expect
      .poll(async () => Number(await page.getAttribute('[data-testid=explore-chart]', 'data-points')), {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
  const legend = (page: Page) => page.locator('[data-testid=explore-chart] .u-legend').innerText();

  it('takes a preset and a calendar range, compares, and keeps it all in the URL and history', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await loginPage(page, app);
    const today = localDate(Date.now(), facility.timeZone);
    const yesterday = addDays(today, -1);
    await page.goto(base);
    await drawn(page);

    // A preset: one day, read at minutes (the resolution suggested for a day).
    await page.selectOption('[data-testid=range-preset]', 'yesterday');
    await page.waitForURL(new RegExp(`from=${yesterday}&to=${yesterday}`));
    await expect.poll(() => page.inputValue('[data-testid=explore-agg]')).toBe('1m');
    await drawn(page);

    // Compared with the day before: a dashed series in the legend, totals as the API states them.
    await page.selectOption('[data-testid=range-cmp]', 'prev');
    await page.waitForURL(/cmp=prev/);
    const before = addDays(yesterday, -1);
    await page.waitForSelector(`[data-testid=explore-total] >> text=vs ${before} – ${before}`, {
      timeout: 30_000,
    });
    await expect.poll(() => legend(page)).toContain('the period before');
    const url = new URL(page.url());
    expect(url.searchParams.get('from')).toBe(yesterday);
    const span = await page.evaluate(
      () => document.querySelector('[data-testid=explore-status]')?.textContent,
    );
    expect(span).toContain('00:00:00 →');
    // The page states the API's total for the same instants (local days of the facility).
    const days = localDays(facility.timeZone);
    const q = `channels=${encodeURIComponent(mains)}&from=${days.startOfDate(yesterday)}&to=${days.startOfDate(today)}&cmp=prev&tz=${encodeURIComponent(facility.timeZone)}`;
    await expect
      .poll(
        async () => {
          const api = await rest.get<{ series: { totals: Totals & { unit: string } }[] }>(
            `/api/v1/explore?${q}`,
          );
          const t = api.series[0]!.totals;
          const shown = await page.locator('[data-testid=explore-total] .stat-value').first().innerText();
          return shown === `${(t.current / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} kWh`;
        },
        { timeout: 30_000 },
      )
      .toBe(true);

    // A custom range from the calendar.
    const from = addDays(today, -3);
    await page.fill('[data-testid=range-from]', from);
    await page.fill('[data-testid=range-to]', today);
    await page.click('[data-testid=range-apply]');
    await page.waitForURL(new RegExp(`from=${from}&to=${today}`));
    expect(await page.inputValue('[data-testid=range-preset]')).toBe('custom');
    await expect.poll(() => page.inputValue('[data-testid=explore-agg]')).toBe('hour');
    await drawn(page);

    // A year earlier the simulated fleet has no data: the comparison is flagged, not silently zero.
    await page.selectOption('[data-testid=range-cmp]', 'year');
    await page.waitForURL(/cmp=year/);
    await page.waitForSelector('[data-testid=explore-partial]', { timeout: 30_000 });
    expect(await page.locator('[data-testid=explore-partial]').innerText()).toMatch(
      /only partly covered by data.* 0 %/,
    );

    // The URL reopens the view; back and forward step through the choices.
    await page.reload();
    await drawn(page);
    expect(await page.inputValue('[data-testid=range-from]')).toBe(from);
    expect(await page.inputValue('[data-testid=range-to]')).toBe(today);
    expect(await page.inputValue('[data-testid=range-cmp]')).toBe('year');
    await page.goBack();
    await expect.poll(() => page.inputValue('[data-testid=range-cmp]')).toBe('prev');
    expect(await page.inputValue('[data-testid=range-from]')).toBe(from);
    await page.goBack();
    await expect.poll(() => page.inputValue('[data-testid=range-from]')).toBe(yesterday);
    await page.goForward();
    await page.goForward();
    await expect.poll(() => page.inputValue('[data-testid=range-cmp]')).toBe('year');
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('answers hostile links with a message and a drawn chart', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await loginPage(page, app);
    const today = localDate(Date.now(), facility.timeZone);
    const cases: [string, RegExp][] = [
      [
        `&from=${today}&to=${addDays(today, -5)}`,
        /'to' is not usable: 'to' \(.*\) must not be before 'from'/,
      ],
      ['&from=banana&to=2026-13-45', /'from' is not usable: expected a date YYYY-MM-DD/],
      [`&from=${today}&to=${today}&cmp=lastweek`, /'cmp' is not usable: expected one of prev, year/],
    ];
    for (const [q, message] of cases) {
      await page.goto(`${base}${q}`);
      await expect.poll(() => page.locator('[data-testid=explore-problem]').innerText()).toMatch(message);
      await drawn(page);
    }
    // A year at raw resolution: read at days instead, and said so.
    await page.goto(`${base}&from=${addDays(today, -364)}&to=${today}&agg=raw`);
    await expect
      .poll(() => page.locator('[data-testid=explore-agg-problem]').innerText())
      .toMatch(/'Raw' over 365 days is more points than a chart can show/);
    expect(await page.inputValue('[data-testid=explore-agg]')).toBe('day');
    await drawn(page);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  for (const scheme of ['light', 'dark'] as const)
    for (const width of [390, 1280] as const)
      it(`shows a compared range without overflow (${width} px, ${scheme})`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
        const page = await context.newPage();
        await loginPage(page, app);
        const today = localDate(Date.now(), facility.timeZone);
        await page.goto(`${base}&from=${addDays(today, -1)}&to=${today}&cmp=prev`);
        await drawn(page);
        await page.waitForSelector('[data-testid=explore-total]', { timeout: 30_000 });
        await expect.poll(() => legend(page)).toContain('the period before');
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(
          true,
        );
        await page.evaluate(() => window.scrollTo(0, 0));
        await screenshot(page, `explore-range-${scheme}-${width}`, 'main');
        await context.close();
      }, 120_000);
});
