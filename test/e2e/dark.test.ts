/**
 * Dark mode in headless Chromium at phone (390 px) and desktop (1280 px) width: with the browser set
 * to prefer dark, the pages are dark with light text, the live chart's canvas draws its axis in the
 * theme's light axis colour, SVG bars and heat-map cells take the dark palette; the manual override
 * (light) re-colours the open charts at once and survives a reload. Screenshots go to
 * LOADSCOPE_SHOTS (default: a folder in the system's temp directory) as `dark-<page>-<width>.png`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
if (unavailable) console.warn(`skipping the dark-mode end-to-end tests: ${unavailable}`);

/** Relative luminance (0 black … 1 white) of a computed CSS colour `rgb(r, g, b)`. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? []).map(Number) as [number, number, number];
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/** What the test reads off a page: the document's colours and the theme attribute. */
async function pageColours(page: Page) {
  return page.evaluate(() => ({
    theme: document.documentElement.dataset['theme'],
    background: getComputedStyle(document.body).backgroundColor || '',
    rootBackground: getComputedStyle(document.documentElement).backgroundColor,
    text: getComputedStyle(document.querySelector('h1') ?? document.body).color,
    card: getComputedStyle(document.querySelector('.card') ?? document.body).backgroundColor,
  }));
}

/**
 * The mean luminance of the pixels the live chart's canvas drew in its left axis strip (the y-axis
 * labels and ticks), and the axis colour it was built with.
 */
async function liveAxis(page: Page): Promise<{ luminance: number; pixels: number; axis: string }> {
  return page.evaluate(() => {
    const chart = document.querySelector('[data-testid=live-chart] .chart') as HTMLElement;
    const canvas = chart.querySelector('canvas') as HTMLCanvasElement;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    const strip = ctx.getImageData(0, 0, Math.min(50, canvas.width), canvas.height).data;
    let sum = 0;
    let pixels = 0;
    for (let i = 0; i < strip.length; i += 4) {
      if ((strip[i + 3] as number) < 200) continue; // transparent or anti-aliased edge
      sum +=
        (0.2126 * (strip[i] as number) +
          0.7152 * (strip[i + 1] as number) +
          0.0722 * (strip[i + 2] as number)) /
        255;
      pixels++;
    }
    return { luminance: pixels ? sum / pixels : NaN, pixels, axis: chart.dataset['axis'] ?? '' };
  });
}

describe.skipIf(!!unavailable)('dark mode', () => {
  let app: RunningApp;
  let browser: Browser;
  let facilityPath = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startApp({ simMeters: 6 });
    browser = await launchBrowser();
    const rest = await restSession(app);
    // A facility with a live mains power channel (the live chart is drawn on a canvas).
    type Detail = { channels: { isMains: boolean; measurement: string }[] };
    for (const f of await rest.get<{ id: string }[]>('/api/v1/facilities')) {
      const d = await rest.get<Detail>(`/api/v1/facilities/${encodeURIComponent(f.id)}`);
      if (d.channels.some((c) => c.isMains && c.measurement === 'power'))
        facilityPath = `/facilities/${encodeURIComponent(f.id)}`;
    }
    if (!facilityPath) throw new Error(`no facility with a mains power channel:\n${app.output()}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  for (const width of [390, 1280] as const) {
    it(`follows the browser's dark preference at ${width} px, charts included`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: 'dark' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.baseUrl}/`);
      await page.waitForSelector('input[name=email]');
      expect(luminance((await pageColours(page)).rootBackground)).toBeLessThan(0.15);
      await page.screenshot({ path: join(SHOTS, `dark-login-${width}.png`) });
      await loginPage(page, app);
      for (const [name, path] of [
        ['fleet', '/'],
        ['alerts', '/alerts'],
        ['explore', '/explore'],
        ['settings', '/settings'],
      ] as const) {
        await page.goto(`${app.baseUrl}${path}`);
        await page.waitForSelector('h1');
        await page.waitForTimeout(800);
        const c = await pageColours(page);
        expect(c.theme, name).toBe('dark');
        expect(luminance(c.rootBackground), `${name} background ${c.rootBackground}`).toBeLessThan(0.15);
        expect(luminance(c.text), `${name} text ${c.text}`).toBeGreaterThan(0.8);
        await page.screenshot({ path: join(SHOTS, `dark-${name}-${width}.png`), fullPage: true });
      }

      await page.goto(`${app.baseUrl}${facilityPath}`);
      await page.waitForSelector('[data-testid=live-chart][data-last-ts]:not([data-last-ts=""]) canvas', {
        timeout: 60_000,
      });
      await page.waitForSelector('[data-testid=heatmap] .heat-cell[style]', { timeout: 60_000 });
      await page.waitForTimeout(1500);
      const dark = await liveAxis(page);
      expect(dark.axis).toBe('#c3ced8');
      expect(dark.pixels).toBeGreaterThan(20);
      expect(dark.luminance, 'the y-axis labels are drawn light').toBeGreaterThan(0.5);
      const bars = await page.evaluate(() => {
        const rect = document.querySelector('.barchart rect');
        const cell = document.querySelector('[data-testid=heatmap] .heat-cell[style]');
        return {
          bar: rect ? getComputedStyle(rect).fill : '',
          cell: cell ? getComputedStyle(cell).backgroundColor : '',
          card: getComputedStyle(document.querySelector('.card') as Element).backgroundColor,
        };
      });
      expect(bars.bar).toBe('rgb(60, 194, 184)'); // --chart-1 of the dark theme
      expect(luminance(bars.card)).toBeLessThan(0.2);
      await page.screenshot({ path: join(SHOTS, `dark-facility-${width}.png`), fullPage: true });

      // The manual override wins over the browser, re-colours the open charts and is remembered.
      // On a phone the chooser sits in the folded menu.
      const chooser = async (value: string) => {
        if (width < 600) {
          await page.click('.menu-toggle');
          await page.selectOption('[data-testid=theme-switch-menu]', value);
          if (await page.locator('#main-nav.open').isVisible()) await page.click('.menu-toggle');
        } else await page.selectOption('[data-testid=theme-switch]', value);
      };
      await chooser('light');
      await page.waitForTimeout(300);
      const light = await liveAxis(page);
      expect(light.axis).toBe('#3d4a57');
      expect(light.luminance, 'the y-axis labels are drawn dark').toBeLessThan(0.4);
      expect(luminance((await pageColours(page)).rootBackground)).toBeGreaterThan(0.9);
      expect(
        await page.evaluate(() => getComputedStyle(document.querySelector('.barchart rect') as Element).fill),
      ).toBe('rgb(11, 122, 117)');
      await page.reload();
      await page.waitForSelector('[data-testid=live-chart] canvas', { timeout: 60_000 });
      expect((await pageColours(page)).theme).toBe('light');
      await chooser('system');
      expect((await pageColours(page)).theme).toBe('dark');
      expect(errors).toEqual([]);
      await context.close();
    }, 150_000);
  }
});
