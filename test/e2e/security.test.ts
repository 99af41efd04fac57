/**
 * The web application's security in headless Chromium against the whole platform. Under its security
 * headers (issue 13, item 10) every main page, the live push over Server-Sent Events and a WebSocket,
 * charts (uPlot) and the API docs (Swagger UI) work, and the browser reports no content security
 * policy violation anywhere. The admin page makes a device token that may only send readings
 * (issue 13, item 9).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, e2eUnavailable, launchBrowser, loginPage, startApp } from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) console.warn(`skipping the security header end-to-end tests: ${unavailable}`);

describe.skipIf(!!unavailable)('web application under its content security policy', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const violations: string[] = [];

  beforeAll(async () => {
    app = await startApp({ simMeters: 4 });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (/content security policy|refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
    // The browser's own report of each blocked load or inline use, whatever the console says.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`content security policy: ${e.violatedDirective} blocked ${e.blockedURI}`),
      );
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('sends the headers with the page', async () => {
    const res = await page.goto(`${app.baseUrl}/`);
    const headers = res!.headers();
    expect(headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('same-origin');
  });

  it('runs the main pages, charts and the live push without a violation', async () => {
    await loginPage(page, app);
    const first = await page.locator('[data-testid=fleet-table] tbody tr a').first().getAttribute('href');
    expect(first).toBeTruthy();
    await page.goto(`${app.baseUrl}${first!}`);
    const lastTs = async () =>
      Number((await page.getAttribute('[data-testid=live-chart]', 'data-last-ts')) || NaN);
    await expect.poll(lastTs, { timeout: 45_000, interval: 500 }).toBeGreaterThan(0);
    expect(await page.locator('canvas').count()).toBeGreaterThan(0);
    for (const path of [
      '/alerts',
      '/explore',
      '/zip',
      '/scores',
      '/jobs',
      '/import',
      '/admin',
      '/settings',
    ]) {
      await page.goto(`${app.baseUrl}${path}`);
      await page.waitForLoadState('networkidle');
    }
    expect(violations).toEqual([]);
  });

  it('lets the page open the live WebSocket of its own origin', async () => {
    const opened = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/v1/live/ws`);
          ws.onopen = () => {
            ws.close();
            resolve('open');
          };
          ws.onerror = () => resolve('error');
        }),
    );
    expect(opened).toBe('open');
    expect(violations).toEqual([]);
  });

  it('makes a device token on the admin page that sends readings and reads nothing', async () => {
    await page.goto(`${app.baseUrl}/admin`);
    await page.fill('input[aria-label="token name"]', 'gateway e2e');
    await page.selectOption('select[aria-label="token role"]', 'viewer');
    const read = page.locator('[aria-label="token scopes"] label', { hasText: /^\s*read$/ }).locator('input');
    const send = page
      .locator('[aria-label="token scopes"] label', { hasText: 'write:readings' })
      .locator('input');
    expect(await read.isChecked()).toBe(true);
    await read.uncheck();
    await send.check();
    await page
      .locator('form', { has: page.locator('input[aria-label="token name"]') })
      .locator('button[type=submit]')
      .click();
    const token = (await page.locator('[data-testid=token-secret] code').textContent())!.trim();
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${app.baseUrl}/api/v1/facilities`, { headers: auth })).status).toBe(403);
    const posted = await fetch(`${app.baseUrl}/api/v1/readings`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ readings: [] }),
    });
    expect(posted.status).not.toBe(403);
    expect(violations).toEqual([]);
  });

  it('renders the API docs (Swagger UI) without a violation', async () => {
    await page.goto(`${app.baseUrl}/api/docs`);
    await page.waitForSelector('.swagger-ui .opblock', { timeout: 30_000 });
    expect(violations).toEqual([]);
  });
});
