/**
 * The organisation's retention, for administrators: GET and PUT `/api/v1/retention` (how many days
 * raw readings and minute aggregates stay in the serving store) and POST `/api/v1/retention/run`,
 * which starts a run now, or after the one in progress (202; the GET says when it is over). Everyone else gets 403: the settings
 * decide what the organisation keeps.
 */
import type { FastifyPluginAsync } from 'fastify';
import { requirePrincipal, requireRole } from '../api/principal.ts';
import { errorResponses } from '../api/shapes/common.ts';
import { type RetentionStateBody, retentionInput, retentionState } from '../api/shapes/retention.ts';
import type { ZodTypeProvider } from '../api/zod-routes.ts';
import { ConflictError } from '../errors.ts';
import type { RetentionService } from './service.ts';

/** Options of {@link retentionRoutes}. */
export interface RetentionRoutesOptions {
  /** The process's retention runs; undefined when the lake is off (nothing can be moved). */
  service: Pick<RetentionService, 'start' | 'running'> | undefined;
}

const TAGS = ['admin'];

/** The routes. */
export function retentionRoutes(opts: RetentionRoutesOptions): FastifyPluginAsync {
  return async (host) => {
    const app = host.withTypeProvider<ZodTypeProvider>();
    const { store } = app.deps;
    const admin = requireRole('admin');
    const state = async (orgId: string): Promise<RetentionStateBody> => ({
      ...(await store.retention.get(orgId)),
      running: opts.service?.running() ?? false,
      lakeConfigured: opts.service !== undefined,
    });
    const response = { 200: retentionState, ...errorResponses };

    app.get(
      '/api/v1/retention',
      {
        preHandler: admin,
        schema: { tags: TAGS, summary: "The organisation's retention tiers and its last run", response },
      },
      async (request) => state(requirePrincipal(request).orgId),
    );

    app.put(
      '/api/v1/retention',
      {
        preHandler: admin,
        schema: {
          tags: TAGS,
          summary: 'Set how many days raw readings and minute aggregates stay in the store',
          body: retentionInput,
          response,
        },
      },
      async (request) => {
        const { orgId } = requirePrincipal(request);
        await store.retention.set(orgId, request.body);
        return state(orgId);
      },
    );

    app.post(
      '/api/v1/retention/run',
      {
        preHandler: admin,
        schema: {
          tags: TAGS,
          summary: 'Start a retention run now: old raw readings to the lake, old minute rows deleted',
          response: { 202: retentionState, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { orgId } = requirePrincipal(request);
        if (!opts.service)
          throw new ConflictError(
            'the lake is off (LOADSCOPE_LAKE=off): a retention run has nowhere to move readings',
          );
        opts.service.start(orgId);
        return reply.code(202).send(await state(orgId));
      },
    );
  };
}
