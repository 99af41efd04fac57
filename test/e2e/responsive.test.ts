/**
 * Every page at phone width (390 px) and at desktop width (1280 px) in headless Chromium: nothing
 * sticks out sideways (the page never scrolls horizontally, and the fleet, zip-code and ranking
 * tables fit their card), and every page of the navigation can be reached (behind the Menu button on
 * a phone). Also the facility page's heat map legend, one request for a facility's live appliances
 * when it has none, and the zip-code view split by commodity. Screenshots go to LOADSCOPE_SHOTS
 * (default: a folder in the system's temp directory), named `<page>-<width>.png`.
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
if (unavailable) console.warn(`skipping the responsive end-to-end tests: ${unavailable}`);
const WIDTHS = [390, 1280] as const;

/** Elements that stick out of the viewport sideways and are not inside a scrolling or clipping box. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > vw)
      out.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${vw} px window`);
    const clipped = (el: Element): boolean => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
        if (getComputedStyle(a).overflowX !== 'visible') return true;
      return false;
    };
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || (r.right <= vw + 1 && r.left >= -1) || clipped(el)) continue;
      out.push(
        `${el.tagName.toLowerCase()}.${el.className} spans ${Math.round(r.left)}-${Math.round(r.right)} px`,
      );
    }
    return out.slice(0, 10);
  });
}

/** Tables that must fit their card without scrolling sideways (the ones a user reads on the go). */
async function tablesThatScroll(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [
      ...document.querySelectorAll(
        '[data-testid=fleet-table], [data-testid^=zip-table], [data-testid=ranking], [data-testid=device-table]',
      ),
    ]
      .map((t) => t.closest('.table-wrap') ?? t)
      .filter((w) => w.scrollWidth > w.clientWidth + 1)
      .map(
        (w) => `${w.firstElementChild?.getAttribute('data-testid')}: ${w.scrollWidth} px in ${w.clientWidth}`,
      ),
  );
}

/** Links of the navigation a user cannot see or click (after opening the menu where there is one). */
async function unreachableNav(page: Page): Promise<string[]> {
  const toggle = page.locator('.menu-toggle');
  const folded = await toggle.isVisible();
  if (folded) await toggle.click();
  const bad = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    return [...document.querySelectorAll('#main-nav a')].flatMap((a) => {
      const r = a.getBoundingClientRect();
      const inside = r.width > 0 && r.left >= 0 && r.right <= vw && r.top >= 0 && r.bottom <= vh;
      const hit = inside ? document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) : null;
      return inside && hit && a.contains(hit)
        ? []
        : [`${a.textContent} at ${Math.round(r.left)}-${Math.round(r.right)} px`];
    });
  });
  if (folded) await toggle.click();
  return bad;
}

describe.skipIf(!!unavailable)('every page at phone and desktop width', () => {
  let app: RunningApp;
  let browser: Browser;
  let facilityId = '';
  let withoutLiveNilm = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startApp({ simMeters: 6 });
    browser = await launchBrowser();
    const rest = await restSession(app);
    const list = await rest.get<{ id: string }[]>('/api/v1/facilities');
    facilityId = list[0]?.id ?? '';
    for (const f of list) {
      const res = await rest.get<unknown>(`/api/v1/facilities/${encodeURIComponent(f.id)}/nilm/live`);
      if (res === undefined) withoutLiveNilm = f.id;
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  for (const width of WIDTHS) {
    it(`lays out every page at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 844 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.baseUrl}/`);
      await page.waitForSelector('input[name=email]');
      expect(await overflow(page), 'login').toEqual([]);
      await page.screenshot({ path: join(SHOTS, `login-${width}.png`) });
      await loginPage(page, app);
      const pages: [string, string][] = [
        ['fleet', '/'],
        ['zip', '/zip'],
        ['alerts', '/alerts'],
        ['explore', '/explore'],
        ['scores', '/scores'],
        ['jobs', '/jobs'],
        ['import', '/import'],
        ['devices', '/devices'],
        ['admin', '/admin'],
        ['settings', '/settings'],
        ['facility', `/facilities/${encodeURIComponent(facilityId)}`],
      ];
      for (const [name, path] of pages) {
        await page.goto(`${app.baseUrl}${path}`);
        await page.waitForSelector('h1');
        await page.waitForTimeout(1500);
        expect(await overflow(page), `${name} at ${width} px`).toEqual([]);
        expect(await tablesThatScroll(page), `${name} at ${width} px`).toEqual([]);
        expect(await unreachableNav(page), `${name} at ${width} px`).toEqual([]);
        await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
      }
      // The navigation works, and on a phone the menu folds away again once a page is chosen.
      if (await page.locator('.menu-toggle').isVisible()) await page.locator('.menu-toggle').click();
      await page.locator('#main-nav a', { hasText: 'Alerts' }).click();
      await page.waitForURL(/\/alerts$/);
      expect(await page.locator('#main-nav a', { hasText: 'Alerts' }).isVisible()).toBe(width > 900);
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it('explains the heat map colours', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await loginPage(page, app);
    await page.goto(`${app.baseUrl}/facilities/${encodeURIComponent(facilityId)}`);
    const legend = page.locator('[data-testid=heatmap-legend]');
    await legend.waitFor({ timeout: 60_000 });
    expect(await legend.textContent()).toMatch(/Energy per hour:\s*0 Wh.*Wh.*no data/);
    await page.close();
  }, 90_000);

  it('asks once for the live appliances of a facility that has none', async (ctx) => {
    if (!withoutLiveNilm) ctx.skip();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await loginPage(page, app);
    let asked = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/nilm/live')) asked++;
    });
    await page.goto(`${app.baseUrl}/facilities/${encodeURIComponent(withoutLiveNilm)}`);
    await page.waitForSelector('[data-testid=facility-name]');
    await page.waitForTimeout(6000);
    expect(asked).toBe(1);
    await page.close();
  }, 60_000);

  it('lists each zip code once per commodity, in that commodity’s unit', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await loginPage(page, app);
    await page.goto(`${app.baseUrl}/zip`);
    await page.waitForSelector('[data-testid=zip-table]', { timeout: 60_000 });
    const tables = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid^=zip-table]')].map((t) => ({
        unit: t.closest('[data-unit]')?.getAttribute('data-unit') ?? '',
        zips: [...t.querySelectorAll('tbody tr td:first-child')].map((td) => td.textContent ?? ''),
        amounts: [...t.querySelectorAll('tbody tr td:nth-child(3)')].map((td) => td.textContent ?? ''),
      })),
    );
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) {
      expect(new Set(t.zips).size, t.unit).toBe(t.zips.length);
      const suffix = t.unit === 'Wh' ? /Wh$/ : new RegExp(` ${t.unit}$`);
      for (const a of t.amounts) expect(a).toMatch(suffix);
    }
    await page.close();
  }, 90_000);
});
