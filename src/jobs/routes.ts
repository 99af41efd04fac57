/**
 * REST for analytic products, jobs and scores, as a plugin for the API server:
 *   GET  /api/v1/products                          products (built-in and custom)
 *   POST /api/v1/jobs                              start a score job (analyst)
 *   GET  /api/v1/jobs, /api/v1/jobs/:jobId         jobs of the caller's organisation, with shards and log
 *   POST /api/v1/jobs/:jobId/cancel                cancel a running job (analyst)
 *   GET  /api/v1/facilities/:facilityId/scores     a facility's newest score per product
 *   GET  /api/v1/products/:product/ranking         readable facilities ranked by a product
 * Scores follow their facility: whoever may read a facility (own organisation or a share) reads its scores.
 */
import type { FastifyPluginAsync } from 'fastify';
import { parseTime, timeSchema } from '../api/params.ts';
import { requirePrincipal, requireRole } from '../api/principal.ts';
import { InputError, NotFoundError } from '../errors.ts';
import type { ProductRegistry } from '../scoring/registry.ts';
import type { JobService } from './job-service.ts';
import { EXECUTOR_KINDS, type ExecutorKind } from './types.ts';

interface StartBody {
  product: string;
  facilityIds?: string[];
  executor?: ExecutorKind;
  shards?: number;
  params?: Record<string, unknown>;
  from?: string;
  to?: string;
}

/** The routes, given the job service and the product registry. */
export function jobRoutes(deps: { service: JobService; registry: ProductRegistry }): FastifyPluginAsync {
  return async (app) => {
    const store = app.deps.store;
    app.get('/api/v1/products', { schema: { tags: ['scores'], summary: 'Analytic products' } }, async () =>
      deps.registry.list().map((r) => ({
        name: r.product.name,
        version: r.product.version,
        title: r.product.title,
        description: r.product.description,
        type: r.type,
      })),
    );
    app.post<{ Body: StartBody }>(
      '/api/v1/jobs',
      {
        preHandler: requireRole('analyst'),
        schema: {
          tags: ['jobs'],
          summary: 'Start a job scoring facilities with a product',
          body: {
            type: 'object',
            required: ['product'],
            additionalProperties: false,
            properties: {
              product: { type: 'string', minLength: 1 },
              facilityIds: { type: 'array', items: { type: 'string' }, maxItems: 100_000 },
              executor: { type: 'string', enum: [...EXECUTOR_KINDS] },
              shards: { type: 'integer', minimum: 1, maximum: 1000 },
              params: { type: 'object' },
              from: timeSchema('start of the scored data'),
              to: timeSchema('end of the scored data, exclusive'),
            },
          },
        },
      },
      async (request, reply) => {
        const p = requirePrincipal(request);
        const b = request.body;
        const from = b.from === undefined ? undefined : parseTime(b.from, 'body/from');
        const to = b.to === undefined ? undefined : parseTime(b.to, 'body/to');
        if (from !== undefined && to !== undefined && to <= from)
          throw new InputError("'to' must be after 'from'", { field: 'body/to' });
        if (!deps.registry.get(b.product))
          throw new InputError(`unknown product '${b.product}'`, { field: 'product' });
        // Jobs score the caller's own facilities; shared ones stay with their owners.
        for (const id of b.facilityIds ?? []) {
          const f = await store.catalog.getFacility(id);
          if (!f || f.orgId !== p.orgId) throw new NotFoundError('facility', id);
        }
        const jobId = await deps.service.start(
          {
            orgId: p.orgId,
            kind: 'score',
            target: b.product,
            shards: b.shards ?? 4,
            createdBy: p.userId ?? p.tokenId ?? null,
            params: {
              product: b.product,
              productParams: b.params ?? {},
              ...(b.facilityIds ? { facilityIds: b.facilityIds } : {}),
              ...(from !== undefined ? { from } : {}),
              ...(to !== undefined ? { to } : {}),
            },
          },
          b.executor ? { executor: b.executor } : {},
        );
        return reply.code(202).send({ jobId });
      },
    );
    app.get(
      '/api/v1/jobs',
      { schema: { tags: ['jobs'], summary: "Jobs of the caller's organisation" } },
      async (request) => store.jobs.listJobs({ orgId: requirePrincipal(request).orgId, limit: 100 }),
    );
    const ownJob = async (orgId: string, jobId: string) => {
      const job = await store.jobs.getJob(jobId);
      if (!job || job.orgId !== orgId) throw new NotFoundError('job', jobId);
      return job;
    };
    app.get<{ Params: { jobId: string } }>(
      '/api/v1/jobs/:jobId',
      { schema: { tags: ['jobs'], summary: 'A job with its shards and log' } },
      async (request) => {
        const job = await ownJob(requirePrincipal(request).orgId, request.params.jobId);
        const [shards, logs] = await Promise.all([
          store.jobs.listShards(job.id),
          store.jobs.listLogs(job.id, { limit: 500 }),
        ]);
        return { job, shards, logs };
      },
    );
    app.post<{ Params: { jobId: string } }>(
      '/api/v1/jobs/:jobId/cancel',
      { preHandler: requireRole('analyst'), schema: { tags: ['jobs'], summary: 'Cancel a running job' } },
      async (request) => {
        const job = await ownJob(requirePrincipal(request).orgId, request.params.jobId);
        await deps.service.cancel(job.id);
        return store.jobs.getJob(job.id);
      },
    );
    app.get<{ Params: { facilityId: string } }>(
      '/api/v1/facilities/:facilityId/scores',
      {
        schema: {
          tags: ['scores'],
          summary: "A facility's newest score per product, with explanation and evidence",
        },
      },
      async (request) => {
        const f = await app.access.readableFacilityOrThrow(
          requirePrincipal(request),
          request.params.facilityId,
        );
        return store.scores.latestForFacility(f.id);
      },
    );
    app.get<{ Params: { product: string }; Querystring: { limit?: number } }>(
      '/api/v1/products/:product/ranking',
      {
        schema: {
          tags: ['scores'],
          summary: 'Readable facilities ranked by their newest score of a product',
          querystring: {
            type: 'object',
            properties: { limit: { type: 'integer', minimum: 1, maximum: 10_000 } },
          },
        },
      },
      async (request) => {
        const p = requirePrincipal(request);
        if (!deps.registry.get(request.params.product))
          throw new NotFoundError('analytic product', request.params.product);
        const readable = await app.access.readableFacilities(p);
        const names = new Map(readable.map((r) => [r.facility.id, r.facility]));
        const ranked = await store.scores.ranking(request.params.product, {
          facilityIds: [...names.keys()],
          limit: request.query.limit ?? 100,
        });
        return ranked.map((s) => ({
          ...s,
          facilityName: names.get(s.facilityId)?.name ?? s.facilityId,
          kind: names.get(s.facilityId)?.kind,
          zip: names.get(s.facilityId)?.zip,
        }));
      },
    );
  };
}
