/**
 * End-to-end support: starts the whole platform (`loadscope start`, the same process `npm start`
 * runs) as a child process on free ports with a temp DuckDB and a small simulated fleet, creates an
 * administrator through the CLI first, and drives Debian's Chromium with playwright-core (nothing
 * downloaded). `LOADSCOPE_E2E_URL` points the tests at an already running instance instead
 * (credentials from `LOADSCOPE_E2E_LOGIN` / `LOADSCOPE_E2E_PASSWORD`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { freePort } from '../../src/util/free-port.ts';

/** The checkout's root folder. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the browser tests save their screenshots: LOADSCOPE_SHOTS, else a folder in the temp directory. */
export const SHOTS = process.env['LOADSCOPE_SHOTS'] ?? join(tmpdir(), 'loadscope-shots');

/**
 * Where {@link screenshot} saves: the documentation's folder when `LOADSCOPE_SCREENSHOTS=docs` (to
 * refresh docs/screenshots on purpose), else {@link SHOTS}, so the test command never changes
 * committed files.
 */
export const SCREENSHOTS =
  process.env['LOADSCOPE_SCREENSHOTS'] === 'docs' ? join(ROOT, 'docs/screenshots') : SHOTS;
/** Debian's Chromium. */
export const CHROMIUM = '/usr/bin/chromium';
/** Chromium flags: no sandbox in containers, no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the end-to-end tests cannot run here, or undefined when they can. */
export function e2eUnavailable(): string | undefined {
  if (!existsSync(CHROMIUM))
    return `${CHROMIUM} is missing: run scripts/setup/30-chromium.sh (apt-get install chromium)`;
  if (!process.env['LOADSCOPE_E2E_URL'] && !existsSync(join(ROOT, 'web/dist/index.html')))
    return 'web/dist is not built: run scripts/setup/40-web-build.sh (npx vite build --config web/vite.config.ts)';
  return undefined;
}

/** A running platform. */
export interface RunningApp {
  baseUrl: string;
  login: string;
  password: string;
  /** Port of the embedded MQTT broker (when started here). */
  mqttPort: number | null;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Runs the CLI to completion; rejects with its output when it fails. */
async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`loadscope ${args.join(' ')} exited ${code}: ${out}`)),
    );
  });
}

/** Polls `url` until it answers 200 or the child exits or time runs out. */
async function waitHealthy(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`loadscope start exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`loadscope start did not answer ${url} within ${timeoutMs} ms:\n${output()}`);
}

/** Starts the platform (or attaches to LOADSCOPE_E2E_URL). */
export async function startApp(
  opts: { simMeters?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningApp> {
  const external = process.env['LOADSCOPE_E2E_URL'];
  if (external) {
    return {
      baseUrl: external.replace(/\/$/, ''),
      login: process.env['LOADSCOPE_E2E_LOGIN'] ?? 'admin',
      password: process.env['LOADSCOPE_E2E_PASSWORD'] ?? '',
      mqttPort: null,
      output: () => '',
      stop: async () => {},
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'ls-e2e-'));
  await mkdir(join(dir, 'state'), { recursive: true });
  const [port, mqttPort] = [await freePort(), await freePort()];
  const login = 'e2e-admin';
  const password = `e2e-${Math.random().toString(36).slice(2)}-pw`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOADSCOPE_DATA_DIR_STATE: join(dir, 'state'),
    LOADSCOPE_STORE: 'duckdb',
    LOADSCOPE_LOG: 'memory',
    LOADSCOPE_MQTT: 'embedded',
    LOADSCOPE_MQTT_PORT: String(mqttPort),
    LOADSCOPE_HOST: '127.0.0.1',
    LOADSCOPE_PORT: String(port),
    LOADSCOPE_EXECUTOR: 'local',
    LOADSCOPE_WORKERS: '1',
    LOADSCOPE_SIM: '1',
    LOADSCOPE_SIM_METERS: String(opts.simMeters ?? 4),
    LOADSCOPE_PASSWORD: password,
    ...opts.env,
  };
  await cli(['user', 'add', login, '--role', 'admin', '--name', 'E2E Admin'], env);
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(`${baseUrl}/api/healthz`, child, () => out, 90_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl, login, password, mqttPort, output: () => out, stop };
}

/** Launches headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Logs in through the login page and waits for the fleet page. */
export async function loginPage(page: Page, app: RunningApp): Promise<void> {
  await page.goto(`${app.baseUrl}/`);
  await page.fill('input[name=email]', app.login);
  await page.fill('input[name=password]', app.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=fleet-table]', { timeout: 30_000 });
}

/**
 * Saves a screenshot as <SCREENSHOTS>/<name>.png: the viewport, or only the element matching
 * `selector` (to keep the files small).
 */
export async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  if (selector) await page.locator(selector).first().screenshot({ path });
  else await page.screenshot({ path, fullPage: false });
}

/** A session for REST calls made by the test itself (cookie and CSRF token of a fresh login). */
export interface RestSession {
  get<T>(path: string): Promise<T>;
  send<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** Logs in over REST. */
export async function restSession(app: RunningApp): Promise<RestSession> {
  const res = await fetch(`${app.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: app.login, password: app.password }),
  });
  if (!res.ok) throw new Error(`REST login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return { get: (path) => call('GET', path), send: call };
}
