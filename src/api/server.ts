/**
 * The HTTP server: Fastify with cookies, server-side sessions, bearer tokens, CSRF protection, a login
 * rate limit, WebSocket upgrades, schema validation, the OpenAPI document (UI at /api/docs), one error boundary, the
 * built web application, and the routes of every feature. Other features pass their routes in as
 * plugins; they inherit authentication (`request.principal`) and use `app.access` for facility checks.
 */
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Channel } from '../domain/types.ts';
import { UnauthenticatedError } from '../errors.ts';
import type { RollupQuery, RollupRow } from '../store/ports/rollups.ts';
import type { Store } from '../store/store.ts';
import { type AccessControl, createAccessControl } from './access.ts';
import { type Authenticator, SESSION_COOKIE, createAuthenticator } from './authenticate.ts';
import { ensureFirstAdmin } from './accounts/service.ts';
import { apiErrorHandler } from './error-handler.ts';
import type { Principal } from './principal.ts';
import { registerApiRoutes } from './routes/index.ts';
import { requireScope } from './scopes.ts';
import { docsPolicy, registerSecurityHeaders } from './security-headers.ts';
import type { LoginThrottleOptions } from './login-throttle.ts';
import { randomSecret } from './secrets.ts';
import { registerWebApp } from './static.ts';
import { type Generations, createGenerations } from './serving/generations.ts';
import { notifyingStore } from './serving/notifying-store.ts';
import { type Serving, createServing } from './serving/serving.ts';
import { openApiTransform, useZodSchemas } from './zod-routes.ts';

/** Options of {@link buildServer}. */
export interface ServerOptions {
  config: Config;
  store: Store;
  /** Routes of other features (readings ingest, live push, alerts), registered after authentication. */
  plugins?: FastifyPluginAsync[];
  /** A pino logger, `true` for Fastify's default, or nothing for no request logging. */
  logger?: FastifyBaseLogger | boolean;
  /** Clock (UTC ms); tests pass a fixed one. */
  now?: () => number;
  /** Built web application; default `web/dist` of the checkout. */
  webDir?: string;
  /** Login attempts allowed per client address and window; default 10 per minute. */
  loginRateLimit?: { max: number; timeWindowMs: number };
  /** Per-account back-off after failed logins (src/api/login-throttle.ts); default its defaults. */
  loginBackoff?: Partial<LoginThrottleOptions>;
  /** Session lifetime; default 7 days. */
  sessionTtlMs?: number;
  /** Mark cookies `Secure` (behind HTTPS); default false because the default listener is plain HTTP on loopback. */
  secureCookies?: boolean;
  /** Where the first administrator's generated password is printed (once); default stderr. */
  announce?: (line: string) => void;
  /**
   * How long credentials and access checks (default 2 s), rollup-derived views (10 s), latest values
   * and open alerts (1 s) may lag changes made by other processes. Changes made in this process show
   * at once: through the API (which clears the caches) or through a store the serving layer hears of
   * (see `generations`).
   */
  cacheTtlMs?: { auth?: number; rollups?: number; live?: number; readings?: number };
  /**
   * The change counters `store` reports its writes to, when the composition root wrapped it with
   * notifyingStore and hands that same store to the batch, imports and the live layer. Absent: the
   * server wraps `store` itself, and only writes made through the server's own store are heard of.
   */
  generations?: Generations;
  /**
   * The credential verifier, when the composition root shares one with MQTT and HTTP ingest (one
   * cache, one lookup per credential); default: one of the server's own with the `auth` TTL.
   */
  auth?: Authenticator;
}

/** Settings the route modules read from the server. */
export interface ApiDeps {
  readonly config: Config;
  readonly store: Store;
  readonly now: () => number;
  readonly sessionTtlMs: number;
  readonly secureCookies: boolean;
  readonly loginRateLimit: { max: number; timeWindowMs: number };
  readonly loginBackoff: Partial<LoginThrottleOptions>;
  /** `store.rollups.listRollups` behind a short cache: rollups change only when the batch layer runs. Do not mutate the rows. */
  readonly listRollups: (query: RollupQuery) => Promise<RollupRow[]>;
  /** Channels of a facility (`store.catalog.listChannels`) behind a short cache. Do not mutate. */
  readonly channelsOf: (facilityId: string) => Promise<Channel[]>;
  /** The serving layer: rollup views, latest values, alerts, explore series and extents from memory. */
  readonly serving: Serving;
  /** Clears the credential, access and serving caches (the v1 routes call it after every change). */
  readonly invalidateCaches: () => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Facility-level authorisation (see src/api/access.ts). */
    access: AccessControl;
    /** Session and token verification; `auth.verify` is the real-time layer's DeviceAuth. */
    auth: Authenticator;
    /** Store, configuration and clock shared by the routes. */
    deps: ApiDeps;
    /** Every route registered on the server, in order (the security tests walk it). */
    routeTable: RouteEntry[];
  }
}

/** A registered route: method and URL pattern, e.g. `GET /api/v1/facilities/:facilityId`. */
export interface RouteEntry {
  method: string;
  url: string;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for URLs that need a principal: everything under /api except the docs. */
function isProtectedUrl(url: string): boolean {
  return url.startsWith('/api/') && !url.startsWith('/api/docs');
}

/** Builds (does not start) the API server. Call `listen()` on the result, and `close()` to stop. */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const logger = opts.logger;
  const app: FastifyInstance =
    typeof logger === 'object'
      ? Fastify({ loggerInstance: logger, trustProxy: false })
      : Fastify({ logger: logger ?? false, trustProxy: false });
  const authTtl = opts.cacheTtlMs?.auth ?? 2000;
  const generations = opts.generations ?? createGenerations();
  const store = opts.generations ? opts.store : notifyingStore(opts.store, generations);
  const serving = createServing({
    store,
    generations,
    ttlMs: {
      readings: authTtl,
      ...(opts.cacheTtlMs?.rollups !== undefined ? { rollups: opts.cacheTtlMs.rollups } : {}),
      ...(opts.cacheTtlMs?.live !== undefined ? { live: opts.cacheTtlMs.live } : {}),
      ...(opts.cacheTtlMs?.readings !== undefined ? { readings: opts.cacheTtlMs.readings } : {}),
    },
  });
  const access = createAccessControl(store, { cacheTtlMs: authTtl, generations });
  const auth = opts.auth ?? createAuthenticator({ store, now: opts.now ?? Date.now, cacheTtlMs: authTtl });
  const deps: ApiDeps = {
    channelsOf: serving.channelsOf,
    listRollups: serving.listRollups,
    serving,
    invalidateCaches() {
      serving.clear();
      access.invalidate();
      auth.invalidate();
    },
    config: opts.config,
    store,
    now: opts.now ?? Date.now,
    sessionTtlMs: opts.sessionTtlMs ?? 7 * 24 * 3600_000,
    secureCookies: opts.secureCookies ?? false,
    loginRateLimit: opts.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 },
    loginBackoff: opts.loginBackoff ?? {},
  };
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routeTable.push({ method, url: route.url });
  });
  app.decorate('deps', deps);
  app.decorate('access', access);
  app.decorate('auth', auth);
  app.decorateRequest('principal', null);
  app.setErrorHandler(apiErrorHandler);
  useZodSchemas(app);

  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: deps.secureCookies },
    // Tokens are bound to the user, so one user's token is useless in another user's browser.
    getUserInfo: (req) => req.principal?.userId ?? '',
    csrfOpts: { userInfo: true, hmacKey: randomSecret() },
  });
  await app.register(fastifyRateLimit, { global: false });
  // Upgrades go through the routes and hooks (authentication included) like any request; a route
  // without a WebSocket handler closes the socket. Clients only answer pings, so frames stay small.
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Loadscope API',
        version: '1',
        description: 'Smart-meter and IoT energy data. See docs/api.md.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: openApiTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', transformStaticCSP: docsPolicy });
  await registerSecurityHeaders(app, { secure: deps.secureCookies, docs: app.swaggerCSP });

  app.addHook('onRequest', async (request) => {
    if (!isProtectedUrl(request.url) || request.routeOptions.url === '/api/healthz') return;
    request.principal = (await resolvePrincipal(app.auth, request)) ?? null;
    const config = request.routeOptions.config;
    if (config.public === true) return;
    if (!request.principal) throw new UnauthenticatedError();
    if (config.anyScope === true) return;
    // A token acts within its scopes: reads need `read`, changes need `write` (the role still decides which).
    if (SAFE_METHODS.has(request.method) || config.reads === true)
      requireScope(request.principal, 'read', 'read data');
    else requireScope(request.principal, 'write', 'change anything');
  });
  // CSRF applies to requests a browser could send on its own: state changes carried by the session cookie.
  app.addHook('preValidation', (request, reply, done) => {
    if (request.principal?.via === 'session' && STATE_CHANGING.has(request.method)) {
      app.csrfProtection(request, reply, done);
    } else done();
  });

  const first = await ensureFirstAdmin({ store: opts.store, now: deps.now });
  if (first) {
    const announce = opts.announce ?? ((line: string) => process.stderr.write(`${line}\n`));
    announce(
      `First start: created administrator '${first.email}' in organisation '${first.orgId}' with password: ${first.password}`,
    );
    announce(
      'This password is shown once. Change it after logging in (POST /api/v1/auth/password or the admin page).',
    );
  }

  await registerApiRoutes(app);
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  await registerWebApp(app, opts.webDir ?? fileURLToPath(new URL('../../web/dist', import.meta.url)));
  return app;
}

async function resolvePrincipal(
  auth: Authenticator,
  request: {
    headers: Record<string, string | string[] | undefined>;
    cookies: Record<string, string | undefined>;
  },
): Promise<Principal | undefined> {
  const header = request.headers['authorization'];
  if (typeof header === 'string' && /^bearer\s+/i.test(header))
    return auth.fromToken(header.replace(/^bearer\s+/i, ''));
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? auth.fromSession(cookie) : undefined;
}
