/** Registers every REST route of the api feature under /api/v1, plus the public health check. */
import type { FastifyInstance } from 'fastify';
import { costRoutes } from '../../cost/routes.ts';
import { okBody } from '../shapes/common.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';
import { authRoutes } from './auth.ts';
import { energyRoutes } from './energy.ts';
import { rangeRoutes } from './range.ts';
import { exploreRoutes } from './explore.ts';
import { extentRoutes } from './extent.ts';
import { facilityRoutes } from './facilities.ts';
import { grafanaRoutes } from './grafana.ts';
import { importRoutes } from './imports.ts';
import { shareRoutes } from './shares.ts';
import { solarRoutes } from './solar.ts';
import { userRoutes } from './users.ts';

/** Registers the api feature's routes on the server. */
export async function registerApiRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Liveness check',
        response: { 200: okBody },
      },
    },
    async () => ({ ok: true }),
  );
  await app.register(
    async (v1) => {
      // Any change made through these routes may touch credentials, shares, facilities or data:
      // forget the cached answers so that the next request sees it.
      v1.addHook('onResponse', async (request, reply) => {
        if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400)
          app.deps.invalidateCaches();
      });
      await authRoutes(v1);
      await userRoutes(v1);
      await shareRoutes(v1);
      await facilityRoutes(v1);
      await exploreRoutes(v1);
      await extentRoutes(v1);
      await energyRoutes(v1);
      await rangeRoutes(v1);
      await costRoutes(v1);
      await solarRoutes(v1);
      await v1.register(importRoutes);
    },
    { prefix: '/api/v1' },
  );
  await app.register(grafanaRoutes, { prefix: '/api/grafana' });
}
