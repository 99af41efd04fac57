/**
 * Security headers on every response (`@fastify/helmet`): a content security policy that lets the web
 * application load only its own Vite-built scripts and styles and talk only to its own origin (REST,
 * Server-Sent Events and the WebSocket), refuses being framed (clickjacking), turns off MIME sniffing
 * and keeps URLs (which may carry facility ids) from other sites through the referrer policy.
 */
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Hashes of the inline scripts and styles of the API docs page (Swagger UI's `app.swaggerCSP`). */
export interface InlineHashes {
  script: readonly string[];
  style: readonly string[];
}

/**
 * The content security policy. Scripts and styles come from the server's own files only (Vite builds
 * them to `web/dist/assets`), plus the hashed inline ones of the API docs page: no `unsafe-inline`,
 * because React and uPlot set styles through the DOM (`element.style`), which a policy does not
 * restrict. `connect-src 'self'` covers `ws:`/`wss:` of the same origin (CSP level 3).
 */
export function contentSecurityPolicy(docs: InlineHashes): Record<string, string[]> {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", ...docs.script],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", ...docs.style],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
}

/**
 * The policy of the API docs pages (Swagger UI, `transformStaticCSP` of `@fastify/swagger-ui`): the
 * same, except that inline styles are allowed there, because Swagger UI injects a `<style>` element
 * at run time that no hash can name. The web application's pages keep the strict policy.
 */
export function docsPolicy(header: string): string {
  return header.replace(/style-src [^;]*/, "style-src 'self' 'unsafe-inline'");
}

/**
 * Registers the headers on `app`; call after `@fastify/swagger-ui` (for its script hashes) and before
 * the routes. HSTS only when the server is reached over HTTPS (`secure`): on the default plain-HTTP
 * loopback listener it would mean nothing, and `upgrade-insecure-requests` is left out for the same
 * reason (it would break a plain-HTTP install reached from another machine).
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  opts: { secure: boolean; docs?: InlineHashes },
): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: contentSecurityPolicy(opts.docs ?? { script: [], style: [] }),
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: opts.secure ? { maxAge: 180 * 86_400, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
  });
}
