/**
 * The facility page's energy-flow card (issue 16, item 2): a simulated home with PV and a battery
 * shows grid, solar, battery and home with the energy on each arrow, its self-consumption and
 * self-sufficiency and the stacked production/consumption chart, in light and dark mode at 1280 and
 * 390 px (screenshots `energy-flows-<width>-<theme>.png`); a home without PV shows no flow card.
 */
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
if (unavailable) console.warn(`skipping the energy-flow end-to-end tests: ${unavailable}`);

interface Solar {
  metered: { pv: boolean; battery: boolean };
  totals: { pv: number; consumption: number };
}

describe.skipIf(!!unavailable)('energy flows card', () => {
  let app: RunningApp;
  let browser: Browser;
  let rest: RestSession;
  let solarId = '';
  let plainId = '';

  beforeAll(async () => {
    // Seed 1 with 4 meters: one household without PV, one with PV and a battery.
    app = await startApp({
      simMeters: 4,
      env: { LOADSCOPE_SIM_PV_SHARE: '0.6', LOADSCOPE_SIM_BATTERY_SHARE: '0.6', LOADSCOPE_BATCH_EVERY: '5' },
    });
    browser = await launchBrowser();
    rest = await restSession(app);
    const facilities = await rest.get<{ id: string }[]>('/api/v1/facilities');
    const solar = async (id: string) => rest.get<Solar>(`/api/v1/facilities/${encodeURIComponent(id)}/solar`);
    for (const f of facilities) {
      const s = await solar(f.id);
      if (s.metered.pv && s.metered.battery) solarId ||= f.id;
      else if (!s.metered.pv && !s.metered.battery) plainId ||= f.id;
    }
    expect(solarId, 'a simulated home with PV and a battery').not.toBe('');
    expect(plainId, 'a simulated home without PV').not.toBe('');
    // The batch layer rolls the backfilled days up shortly after start.
    const until = Date.now() + 120_000;
    while ((await solar(solarId)).totals.pv <= 0) {
      if (Date.now() > until) throw new Error(`no PV rolled up within 2 minutes:\n${app.output()}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const open = async (width: number, colorScheme: 'light' | 'dark', id: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
    const page = await context.newPage();
    await loginPage(page, app);
    await page.goto(`${app.baseUrl}/facilities/${encodeURIComponent(id)}`);
    return page;
  };

  for (const width of [1280, 390])
    for (const theme of ['light', 'dark'] as const)
      it(`draws grid, solar, battery and home with kWh on the arrows at ${width} px, ${theme}`, async () => {
        const page = await open(width, theme, solarId);
        await page.waitForSelector('[data-testid=energy-flows]');
        await page.getByRole('button', { name: '7 days', exact: true }).click();
        await page.waitForSelector(
          '[data-testid=energy-flows][data-loading=no][data-period=day] [data-testid=flow-chart]',
        );
        for (const node of ['grid', 'solar', 'battery', 'home'])
          expect(await page.textContent(`[data-testid=node-${node}]`), node).toMatch(/\d(\.\d)? k?Wh/);
        for (const arrow of ['grid-home', 'solar-home', 'solar-grid', 'solar-battery', 'battery-home'])
          expect(await page.textContent(`[data-testid=flow-${arrow}]`), arrow).toMatch(/^\d+(\.\d)? k?Wh$/);
        // A sunny backfill puts PV into the home and the battery.
        expect(await page.getAttribute('[data-testid=flow-solar-home]', 'class')).toContain('on');
        expect(await page.textContent('[data-testid=self-consumption] .stat-value')).toMatch(/^\d+ %$/);
        expect(await page.textContent('[data-testid=self-sufficiency] .stat-value')).toMatch(/^\d+ %$/);
        // The card fits the width: no horizontal scrolling at phone size.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        const circle = await page.$eval('[data-testid=node-home] circle', (c) => getComputedStyle(c).fill);
        expect(circle, 'the node takes the theme panel colour').toBe(
          theme === 'dark' ? 'rgb(23, 33, 42)' : 'rgb(255, 255, 255)',
        );
        // The sticky top bar would cover the card's head in an element screenshot.
        await page.$eval('.topbar', (bar) => ((bar as HTMLElement).style.position = 'static'));
        await screenshot(page, `energy-flows-${width}-${theme}`, '#energy-flows');
        await page.context().close();
      }, 120_000);

  it('shows no flow card for a home without PV, battery or export', async () => {
    const page = await open(1280, 'light', plainId);
    const answered = page.waitForResponse((r) => r.url().includes('/solar?') && r.status() === 200);
    await page.waitForSelector('[data-testid=energy-stats]');
    await answered;
    // Give React the render after the answer.
    await page.waitForFunction(() => document.querySelector('[data-testid=energy-stats]') !== null);
    expect(await page.$('[data-testid=energy-flows]')).toBeNull();
    expect(await page.$('#energy-flows')).toBeNull();
    await page.context().close();
  }, 60_000);
});
