/**
 * Issue 7 end to end in headless Chromium: an analyst starts a scoring job from the Scores page, follows it on
 * the Jobs page until it succeeds, sees the ranking with explanation and evidence charts, and finds the scores
 * on the facility page. Screenshots: see SCREENSHOTS in harness.ts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningApp,
  e2eUnavailable,
  launchBrowser,
  loginPage,
  screenshot,
  startApp,
} from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) console.warn(`skipping the scores end-to-end tests: ${unavailable}`);

describe.skipIf(!!unavailable)('scores and jobs in the web application', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    app = await startApp({ simMeters: 6 });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await loginPage(page, app);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('starts a job from the Scores page, follows it to success, and shows the ranking with evidence', async () => {
    await page.goto(`${app.baseUrl}/scores?product=anomalous-load`);
    await page.waitForSelector('[data-testid=run-job]');
    await page.click('[data-testid=run-job]');
    await page.waitForURL(/\/jobs\?id=job-/);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=job-state]')?.textContent === 'succeeded',
      undefined,
      {
        timeout: 120_000,
      },
    );
    const log = await page.textContent('[data-testid=job-log]');
    expect(log).toMatch(/stored \d+ score\(s\) of anomalous-load/);
    await screenshot(page, 'jobs');

    await page.goto(`${app.baseUrl}/scores?product=anomalous-load`);
    await page.waitForSelector('[data-testid=rank-row]');
    const rows = await page.locator('[data-testid=rank-row]').count();
    expect(rows).toBeGreaterThanOrEqual(3);
    await page.locator('[data-testid=rank-row]').first().click();
    await page.waitForSelector('[data-testid=evidence-anomalous-load]');
    expect(await page.locator('[data-testid=evidence-lines] canvas').count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=evidence-anomalous-load]')).toMatch(
      /Base load \(quietest hours\), W/,
    );
    await screenshot(page, 'scores');

    // The facility page shows the facility's scores with their explanation.
    await page.locator('[data-testid=rank-row] a').first().click();
    await page.waitForSelector('[data-testid=scores]', { timeout: 30_000 });
    expect(await page.textContent('[data-testid=scores]')).toMatch(/anomalous-load/);
    expect(errors).toEqual([]);
  }, 240_000);
});
