/**
 * Test and bench support (not used in production): a bare Fastify host with the pieces of the API
 * server that feature routes rely on (the error boundary, zod schemas, `request.principal`,
 * `app.access`), without sessions, CSRF or the server's own routes. The caller comes from
 * `principalOf`, e.g. a fixture's device tokens.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Store } from '../store/store.ts';
import { createAccessControl } from './access.ts';
import { apiErrorHandler } from './error-handler.ts';
import type { Principal } from './principal.ts';
import { useZodSchemas } from './zod-routes.ts';

/** Options of {@link createTestHost}. */
export interface TestHostOptions {
  store: Store;
  /** Who calls; undefined for anonymous. */
  principalOf: (request: FastifyRequest) => Promise<Principal | undefined>;
}

/** Builds the host; register feature plugins on it, then `inject()` or `listen()`. */
export function createTestHost(opts: TestHostOptions): FastifyInstance {
  const app = Fastify();
  app.setErrorHandler(apiErrorHandler);
  useZodSchemas(app);
  app.decorate('access', createAccessControl(opts.store, { cacheTtlMs: 0 }));
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    request.principal = (await opts.principalOf(request)) ?? null;
  });
  return app;
}

/** A principal for every token a device verifier knows: `role` by device id, `viewer` by default. */
export function devicePrincipals(
  deviceAuth: { verify(token: string): Promise<{ id: string; orgId: string; tokenId?: string } | undefined> },
  roleOf: (deviceId: string) => Principal['role'] = () => 'viewer',
): (request: FastifyRequest) => Promise<Principal | undefined> {
  return async (request) => {
    const h = request.headers['authorization'];
    const token = typeof h === 'string' ? h.replace(/^bearer\s+/i, '').trim() : '';
    const d = token ? await deviceAuth.verify(token) : undefined;
    if (!d) return undefined;
    return {
      orgId: d.orgId,
      role: roleOf(d.id),
      via: 'token',
      scopes: ['read', 'write', 'write:readings'],
      ...(d.tokenId ? { tokenId: d.tokenId } : {}),
    };
  };
}
