/**
 * The open-loop load generator of the API benches: a worker thread (its own event loop) sends requests
 * over keep-alive HTTP on loopback at a constant arrival rate, each at its intended time whether or not
 * earlier ones have answered, and measures latency from that intended time, so a stalled server cannot
 * hide its queue (coordinated omission is counted). Requests still unanswered at the deadline count as
 * timeouts with the time they had waited (their latencies are then lower bounds).
 */
import { Worker } from 'node:worker_threads';

/** Plain JavaScript, so that the worker needs no TypeScript loader. */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, paths, kinds, headers, rate, seconds, deadlineSeconds } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const total = Math.round(rate * seconds);
const lat = new Float64Array(total).fill(NaN);
let sent = 0, done = 0, errors = 0, finished = false;
const t0 = performance.now() + 20;
const intended = (i) => t0 + (i * 1000) / rate;
function fire(i) {
  const req = http.request({ host: '127.0.0.1', port, path: paths[i % paths.length], agent, headers }, (res) => {
    if (res.statusCode !== 200) errors++;
    res.resume();
    res.on('end', () => { lat[i] = performance.now() - intended(i); if (++done === total) finish(0); });
  });
  req.on('error', () => { errors++; lat[i] = performance.now() - intended(i); if (++done === total) finish(0); });
  req.end();
}
function tick() {
  const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
  while (sent < due) fire(sent++);
  if (sent < total) setTimeout(tick, 1);
}
function stats(xs) {
  const s = Float64Array.from(xs).sort();
  const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN);
  return { p50: q(0.5), p99: q(0.99), max: s.length ? s[s.length - 1] : NaN, requests: s.length };
}
function finish(timeouts) {
  if (finished) return;
  finished = true;
  const now = performance.now();
  for (let i = 0; i < total; i++) if (Number.isNaN(lat[i])) lat[i] = now - intended(i);
  const byKind = {};
  for (let i = 0; i < total; i++) (byKind[kinds[i % kinds.length]] ??= []).push(lat[i]);
  const perKind = {};
  for (const k of Object.keys(byKind)) perKind[k] = stats(byKind[k]);
  agent.destroy();
  parentPort.postMessage({ ...stats(lat), errors, timeouts, requests: total, seconds: (now - t0) / 1000, perKind });
}
setTimeout(() => finish(total - done), deadlineSeconds * 1000);
setTimeout(tick, 20);
`;

/** Latency quantiles of a set of requests, ms from their intended send time. */
export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
  requests: number;
}

/** What one load run measured. */
export interface LoadResult extends Quantiles {
  /** Answers other than 200, and connection errors. */
  errors: number;
  /** Requests unanswered at the deadline (their latency is the time they had waited). */
  timeouts: number;
  /** From the first intended send to the last answer (or the deadline). */
  seconds: number;
  /** Quantiles per kind of request. */
  perKind: Record<string, Quantiles>;
}

/** One open-loop run: `rate` requests/s for `seconds`, cycling through `paths` (`kinds` names each). */
export function runLoad(data: {
  port: number;
  paths: string[];
  kinds: string[];
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  /** Stop waiting after this long (default 3 x seconds + 10). */
  deadlineSeconds?: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD_WORKER, {
      eval: true,
      workerData: { deadlineSeconds: data.seconds * 3 + 10, ...data },
    });
    w.once('message', (m: LoadResult) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}

/** Requests answered per second. */
export const rateOf = (r: LoadResult): number => (r.requests - r.timeouts) / r.seconds;
