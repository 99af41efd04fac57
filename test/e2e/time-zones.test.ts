/**
 * Times in one chosen, named zone (issue 14, item 15) in headless Chromium whose own zone is Tokyo, so
 * that the facility's zone (New York), the browser's and UTC all differ: every chart of the facility
 * page names its zone, the switch moves them all, the choice is remembered across pages (local
 * storage) and in the URL (which wins), and the explore range inputs read wall time of the zone.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningApp,
  e2eUnavailable,
  launchBrowser,
  loginPage,
  restSession,
  startApp,
} from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) console.warn(`skipping the time-zone end-to-end tests: ${unavailable}`);

interface Detail {
  facility: { id: string; timeZone: string };
  channels: { id: string; isMains: boolean; measurement: string }[];
}

/** The zones the page's charts draw in, and the texts of the captions that name them. */
async function zonesShown(page: Page): Promise<{ drawn: string[]; captions: string[] }> {
  return page.evaluate(() => ({
    drawn: [...document.querySelectorAll('[data-zone]')].map((e) => e.getAttribute('data-zone') ?? ''),
    captions: [...document.querySelectorAll('.zone-caption')].map((e) => e.textContent ?? ''),
  }));
}

describe.skipIf(!!unavailable)('time zones in the web application', () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let facility: Detail;
  let mains = '';

  beforeAll(async () => {
    app = await startApp({ simMeters: 6 });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    const rest = await restSession(app);
    for (const f of await rest.get<{ id: string }[]>('/api/v1/facilities')) {
      const d = await rest.get<Detail>(`/api/v1/facilities/${encodeURIComponent(f.id)}`);
      const m = d.channels.find((c) => c.isMains && c.measurement === 'power');
      if (m) {
        facility = d;
        mains = m.id;
        break;
      }
    }
    if (!mains) throw new Error(`no facility with a mains power channel:\n${app.output()}`);
    await loginPage(page, app);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('names the facility zone on every chart of the facility page and switches them all', async () => {
    const zone = facility.facility.timeZone;
    expect(zone).not.toBe('Asia/Tokyo');
    await page.goto(`${app.baseUrl}/facilities/${encodeURIComponent(facility.facility.id)}`);
    // The live chart, the daily bars, the heat map and the alert timeline.
    await page.waitForSelector('[data-testid=live-chart] [data-zone]');
    await page.waitForSelector('[data-testid=heatmap-zone]', { timeout: 60_000 });
    let shown = await zonesShown(page);
    expect(shown.drawn).toEqual([zone]);
    expect(shown.captions.length).toBeGreaterThanOrEqual(4);
    for (const c of shown.captions) expect(c).toContain(`${zone} (`);

    await page.selectOption('[data-testid=zone-switch]', 'utc');
    await expect.poll(async () => (await zonesShown(page)).drawn).toEqual(['UTC']);
    shown = await zonesShown(page);
    for (const c of shown.captions) expect(c).toMatch(/^Times in UTC/);
    expect(new URL(page.url()).searchParams.get('tz')).toBe('utc');

    await page.selectOption('[data-testid=zone-switch]', 'browser');
    await expect.poll(async () => (await zonesShown(page)).drawn).toEqual(['Asia/Tokyo']);
    for (const c of (await zonesShown(page)).captions)
      expect(c).toContain("Asia/Tokyo (GMT+9), this browser's time");
  }, 120_000);

  it('remembers the choice on the next page, and a link with tz= wins', async () => {
    // The last choice (browser) is stored: explore opens in Tokyo time without a tz parameter.
    await page.goto(`${app.baseUrl}/explore?channels=${encodeURIComponent(mains)}`);
    await expect.poll(() => page.inputValue('[data-testid=zone-switch]')).toBe('browser');
    await expect
      .poll(() => page.getAttribute('[data-testid=explore-chart] [data-zone]', 'data-zone'), {
        timeout: 20_000,
      })
      .toBe('Asia/Tokyo');
    expect(await page.textContent('[data-testid=explore-status]')).toContain('GMT+9');
    await page.goto(`${app.baseUrl}/alerts?tz=utc`);
    await expect.poll(() => page.inputValue('[data-testid=zone-switch]')).toBe('utc');
  });

  it('reads and writes the explore range as wall time of the chosen zone', async () => {
    const from = Date.UTC(2026, 0, 15, 12, 0, 30);
    const to = from + 3_600_000;
    const open = (tz: string) =>
      page.goto(
        `${app.baseUrl}/explore?channels=${encodeURIComponent(mains)}&from=${from}&to=${to}&tz=${tz}`,
      );
    await open('utc');
    await expect.poll(() => page.inputValue('input[aria-label=from]')).toBe('2026-01-15T12:00:30');
    await open('facility');
    // New York in January is UTC-5.
    await expect.poll(() => page.inputValue('input[aria-label=from]')).toBe('2026-01-15T07:00:30');
    await page.fill('input[aria-label=to]', '2026-01-15T09:30:00');
    await expect
      .poll(() => page.textContent('[data-testid=explore-status]'))
      .toContain('2026-01-15 07:00:30 → 2026-01-15 09:30:00 EST');
  });
});
