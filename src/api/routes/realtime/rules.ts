/**
 * Pattern rules of the caller's organisation (CEP-style conditions, src/domain/rule-spec.ts): read by
 * every member, written by analysts, as JSON or YAML. The body is checked by the rule's own zod schema
 * (`parseRule`), which names the field and what it expected; processors reload at once.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError, NotFoundError } from '../../../errors.ts';
import { parseRule } from '../../../domain/rule-spec.ts';
import { requirePrincipal, requireRole } from '../../principal.ts';
import { patternRule } from '../../shapes/alerts.ts';
import { errorResponses, idParams } from '../../shapes/common.ts';
import type { ZodTypeProvider } from '../../zod-routes.ts';
import type { RealtimeRoutesDeps } from './deps.ts';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** Registers `/api/v1/rules` (list, one, create, replace, delete) on its own scope (YAML bodies). */
export async function ruleRoutes(host: FastifyInstance, deps: RealtimeRoutesDeps): Promise<void> {
  await host.register(async (scope) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const now = deps.now ?? Date.now;
    const rules = deps.store.alerts;
    app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parseYaml(String(body)));
      } catch (e) {
        done(new InputError(`malformed YAML: ${(e as Error).message}`, { field: 'body' }));
      }
    });
    const ruleOf = async (orgId: string, id: string) => {
      const r = await rules.getRule(id);
      if (!r || r.orgId !== orgId) throw new NotFoundError('rule', id);
      return r;
    };
    const changed = async () => deps.onRulesChanged?.();
    const analyst = requireRole('analyst');
    const schema = (summary: string) => ({ tags: ['rules'], summary });
    const one = { 200: patternRule, ...errorResponses };

    app.get(
      '/api/v1/rules',
      { schema: { ...schema('Pattern rules of my organisation'), response: { 200: patternRule.array() } } },
      async (req) => rules.listRules({ orgId: requirePrincipal(req).orgId }),
    );
    app.get(
      '/api/v1/rules/:id',
      { schema: { ...schema('A pattern rule'), params: idParams, response: one } },
      async (req) => ruleOf(requirePrincipal(req).orgId, req.params.id),
    );
    app.post(
      '/api/v1/rules',
      {
        preHandler: analyst,
        schema: {
          ...schema('Create a pattern rule, JSON or YAML (analyst)'),
          response: { 201: patternRule, ...errorResponses },
        },
      },
      async (req, reply) => {
        const p = requirePrincipal(req);
        const t = now();
        const rule = {
          ...parseRule(req.body, 'rule'),
          id: randomUUID(),
          orgId: p.orgId,
          createdAt: t,
          updatedAt: t,
        };
        await rules.putRule(rule);
        await changed();
        return reply.status(201).send(rule);
      },
    );
    app.put(
      '/api/v1/rules/:id',
      {
        preHandler: analyst,
        schema: {
          ...schema('Replace a pattern rule, JSON or YAML (analyst)'),
          params: idParams,
          response: one,
        },
      },
      async (req) => {
        const p = requirePrincipal(req);
        const old = await ruleOf(p.orgId, req.params.id);
        const rule = {
          ...parseRule(req.body, 'rule'),
          id: old.id,
          orgId: p.orgId,
          createdAt: old.createdAt,
          updatedAt: Math.max(now(), old.updatedAt + 1),
        };
        await rules.putRule(rule);
        await changed();
        return rule;
      },
    );
    app.delete(
      '/api/v1/rules/:id',
      {
        preHandler: analyst,
        schema: {
          ...schema('Delete a pattern rule (analyst)'),
          params: idParams,
          response: { 204: z.null().describe('deleted: no body'), ...errorResponses },
        },
      },
      async (req, reply) => {
        const p = requirePrincipal(req);
        await ruleOf(p.orgId, req.params.id);
        await rules.deleteRule(req.params.id);
        await changed();
        return reply.status(204).send(null);
      },
    );
  });
}
