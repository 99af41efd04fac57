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
import { parseTime } from '../api/params.ts';
import { requirePrincipal, requireRole } from '../api/principal.ts';
import { errorResponses, facilityParams } from '../api/shapes/common.ts';
import {
  job,
  jobDetail,
  jobParams,
  product,
  productParams,
  rankedScore,
  rankingQuery,
  score,
  startJob,
  startedJob,
} from '../api/shapes/jobs.ts';
import type { ZodTypeProvider } from '../api/zod-routes.ts';
import { InputError, NotFoundError } from '../errors.ts';
import type { ProductRegistry } from '../scoring/registry.ts';
import type { JobService } from './job-service.ts';

/** The routes, given the job service and the product registry. */
export function jobRoutes(deps: { service: JobService; registry: ProductRegistry }): FastifyPluginAsync {
  return async (host) => {
    const app = host.withTypeProvider<ZodTypeProvider>();
    const store = app.deps.store;
    app.get(
      '/api/v1/products',
      {
        schema: {
          tags: ['scores'],
          summary: 'Analytic products',
          response: { 200: product.array(), ...errorResponses },
        },
      },
      async () =>
        deps.registry.list().map((r) => ({
          name: r.product.name,
          version: r.product.version,
          title: r.product.title,
          description: r.product.description,
          type: r.type,
        })),
    );
    app.post(
      '/api/v1/jobs',
      {
        preHandler: requireRole('analyst'),
        schema: {
          tags: ['jobs'],
          summary: 'Start a job scoring facilities with a product',
          body: startJob,
          response: { 202: startedJob, ...errorResponses },
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
      {
        schema: {
          tags: ['jobs'],
          summary: "Jobs of the caller's organisation, newest first (100)",
          response: { 200: job.array(), ...errorResponses },
        },
      },
      async (request) => store.jobs.listJobs({ orgId: requirePrincipal(request).orgId, limit: 100 }),
    );
    const ownJob = async (orgId: string, jobId: string) => {
      const found = await store.jobs.getJob(jobId);
      if (!found || found.orgId !== orgId) throw new NotFoundError('job', jobId);
      return found;
    };
    app.get(
      '/api/v1/jobs/:jobId',
      {
        schema: {
          tags: ['jobs'],
          summary: 'A job with its shards and log',
          params: jobParams,
          response: { 200: jobDetail, ...errorResponses },
        },
      },
      async (request) => {
        const found = await ownJob(requirePrincipal(request).orgId, request.params.jobId);
        const [shards, logs] = await Promise.all([
          store.jobs.listShards(found.id),
          store.jobs.listLogs(found.id, { limit: 500 }),
        ]);
        return { job: found, shards, logs };
      },
    );
    app.post(
      '/api/v1/jobs/:jobId/cancel',
      {
        preHandler: requireRole('analyst'),
        schema: {
          tags: ['jobs'],
          summary: 'Cancel a running job',
          params: jobParams,
          response: { 200: job, ...errorResponses },
        },
      },
      async (request) => {
        const found = await ownJob(requirePrincipal(request).orgId, request.params.jobId);
        await deps.service.cancel(found.id);
        return (await store.jobs.getJob(found.id)) ?? found;
      },
    );
    app.get(
      '/api/v1/facilities/:facilityId/scores',
      {
        schema: {
          tags: ['scores'],
          summary: "A facility's newest score per product, with explanation and evidence",
          params: facilityParams,
          response: { 200: score.array(), ...errorResponses },
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
    app.get(
      '/api/v1/products/:product/ranking',
      {
        schema: {
          tags: ['scores'],
          summary: 'Readable facilities ranked by their newest score of a product',
          params: productParams,
          querystring: rankingQuery,
          response: { 200: rankedScore.array(), ...errorResponses },
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
          limit: request.query.limit,
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
