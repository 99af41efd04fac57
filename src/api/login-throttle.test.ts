/** Per-account login back-off: grows with failures, never locks for good, and is refused before any guess. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle } from './login-throttle.ts';
import { PASSWORD, type World, openWorld, worldServer } from './test-world.ts';

describe('createLoginThrottle', () => {
  const rules = {
    perAddress: { freeFailures: 2, baseMs: 1000, maxMs: 8000 },
    perAccount: { freeFailures: 4, baseMs: 1000, maxMs: 3000 },
    forgetAfterMs: 3600_000,
  };

  it('doubles the wait after the free failures, up to the cap', () => {
    let t = 0;
    const th = createLoginThrottle({ ...rules, now: () => t });
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      th.failed('alice@x', '10.0.0.1');
      waits.push(th.waitMs('alice@x', '10.0.0.1'));
      t += waits.at(-1)!; // the next attempt comes when allowed
    }
    expect(waits).toEqual([0, 0, 1000, 2000, 4000, 8000, 8000]);
  });

  it('never locks for good: waits end, success clears, a quiet day forgets', () => {
    let t = 0;
    const th = createLoginThrottle({ ...rules, now: () => t });
    for (let i = 0; i < 50; i++) th.failed('Alice@X ', '10.0.0.1');
    expect(th.waitMs('alice@x', '10.0.0.1')).toBe(8000);
    t += 8000;
    expect(th.waitMs('alice@x', '10.0.0.1')).toBe(0);
    th.succeeded('alice@x', '10.0.0.1');
    th.failed('alice@x', '10.0.0.1');
    expect(th.waitMs('alice@x', '10.0.0.1')).toBe(0);
    for (let i = 0; i < 10; i++) th.failed('alice@x', '10.0.0.1');
    t += 3600_001;
    expect(th.waitMs('alice@x', '10.0.0.1')).toBe(0);
  });

  it('slows an account guessed from many addresses, with a short cap, and leaves other accounts alone', () => {
    const t = 0;
    const th = createLoginThrottle({ ...rules, now: () => t });
    for (let i = 0; i < 7; i++) th.failed('bob@x', `10.0.0.${i}`);
    expect(th.waitMs('bob@x', '192.168.1.1')).toBe(3000);
    expect(th.waitMs('carol@x', '10.0.0.1')).toBe(0);
  });

  it('keeps at most maxEntries counters', () => {
    const th = createLoginThrottle({ ...rules, maxEntries: 10, now: () => 0 });
    for (let i = 0; i < 100; i++) for (let k = 0; k < 3; k++) th.failed(`u${i}@x`, '10.0.0.1');
    expect(th.waitMs('u0@x', '10.0.0.1')).toBe(0);
    expect(th.waitMs('u99@x', '10.0.0.1')).toBe(1000);
  });
});

describe('POST /api/v1/auth/login back-off', () => {
  let w: World;
  let app: FastifyInstance;
  let t = 1_700_000_000_000;
  const login = (email: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

  beforeAll(async () => {
    w = await openWorld();
    app = await worldServer(w, {
      now: () => t,
      loginRateLimit: { max: 10_000, timeWindowMs: 60_000 },
      loginBackoff: { perAddress: { freeFailures: 3, baseMs: 30_000, maxMs: 120_000 } },
    });
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('answers 429 with Retry-After once an account failed too often, even to the right password, then lets it in', async () => {
    const email = w.a.users.viewer.email;
    for (let i = 0; i < 4; i++) expect((await login(email, 'wrong password')).statusCode).toBe(401);
    const refused = await login(email, PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.json()).toMatchObject({ error: 'LOGIN_THROTTLED' });
    expect((await login(w.a.users.admin.email, PASSWORD)).statusCode).toBe(200);
    t += 30_000;
    expect((await login(email, PASSWORD)).statusCode).toBe(200);
    expect((await login(email, 'wrong password')).statusCode).toBe(401);
  });

  it('throttles unknown login names alike, so the answer does not tell whether an account exists', async () => {
    for (let i = 0; i < 4; i++) await login('nobody@nowhere.test', 'wrong password');
    expect((await login('nobody@nowhere.test', 'wrong password')).statusCode).toBe(429);
  });
});
