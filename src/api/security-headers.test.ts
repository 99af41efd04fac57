/**
 * Security headers on the web application, the API and the API docs: a content security policy that
 * allows only the server's own scripts, styles and connections (no inline script), refuses framing,
 * no MIME sniffing, a referrer policy; and the built web application needs nothing the policy forbids.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type World, openWorld, worldServer } from './test-world.ts';

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The directives of a Content-Security-Policy header. */
function directives(header: string): Map<string, string[]> {
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((p) => p[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('security headers', () => {
  let w: World;
  let app: FastifyInstance;
  beforeAll(async () => {
    w = await openWorld();
    app = await worldServer(w, existsSync(join(WEB_DIST, 'index.html')) ? { webDir: WEB_DIST } : {});
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('sends the policy, frame, sniffing and referrer headers on the app, the API and errors', async () => {
    for (const url of ['/', '/facilities/x', '/api/healthz', '/api/v1/facilities', '/api/docs/json']) {
      const docs = url.startsWith('/api/docs');
      const res = await app.inject({ url });
      const csp = directives(String(res.headers['content-security-policy'] ?? ''));
      expect(csp.get('default-src'), url).toEqual(["'self'"]);
      expect(csp.get('connect-src'), url).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors'), url).toEqual(["'none'"]);
      expect(csp.get('object-src'), url).toEqual(["'none'"]);
      expect(
        csp.get('script-src')?.filter((s) => !s.startsWith("'sha")),
        url,
      ).toEqual(["'self'"]);
      // Swagger UI injects a <style> element at run time; the web application's pages allow no inline style.
      expect(csp.get('style-src')?.includes("'unsafe-inline'"), url).toBe(docs);
      expect(csp.has('upgrade-insecure-requests'), url).toBe(false);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['referrer-policy'], url).toBe('same-origin');
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('adds HSTS behind HTTPS only', async () => {
    const secure = await worldServer(w, { secureCookies: true });
    try {
      expect((await secure.inject({ url: '/api/healthz' })).headers['strict-transport-security']).toMatch(
        /max-age=\d+/,
      );
    } finally {
      await secure.close();
    }
  });

  it.skipIf(!existsSync(join(WEB_DIST, 'index.html')))(
    'serves a built web application without inline scripts or styles',
    () => {
      const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=/);
      expect(html).not.toMatch(/(src|href)="https?:/);
    },
  );
});
