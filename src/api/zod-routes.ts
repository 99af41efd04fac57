/**
 * Routes declare their shapes once, with zod (`src/api/shapes/`): the same schema validates the
 * request, types the handler (`app.withTypeProvider<ZodTypeProvider>()`), checks and serialises the
 * response, feeds the OpenAPI document and is imported by the web application as a type. Every route
 * is written so (issue 15): a route declaring a JSON schema is refused at start-up, naming it, so that
 * the one style stays the only one.
 */
import type {
  FastifyInstance,
  FastifySchema,
  FastifySchemaCompiler,
  FastifySerializerCompiler,
  RouteOptions,
} from 'fastify';
import {
  type ZodTypeProvider,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { $ZodType } from 'zod/v4/core';

export type { ZodTypeProvider };

const REQUEST_PARTS = ['params', 'querystring', 'body', 'headers'] as const;

/** The kinds of the validated parts of a route schema: how many are zod and how many JSON schema. */
function partKinds(schema: FastifySchema | undefined): { zod: number; json: number } {
  const parts: unknown[] = REQUEST_PARTS.map((k) => schema?.[k]);
  const response = schema?.response;
  for (const r of Object.values(response ?? {}) as unknown[]) {
    // A response by content type (`{ description, content: { 'text/event-stream': { schema } } }`).
    const content = (r as { content?: Record<string, { schema?: unknown }> } | undefined)?.content;
    if (content && !(r instanceof $ZodType)) parts.push(...Object.values(content).map((c) => c.schema));
    else parts.push(r);
  }
  const present = parts.filter((p) => p !== undefined && p !== null);
  const zod = present.filter((p) => p instanceof $ZodType).length;
  return { zod, json: present.length - zod };
}

/** A part's schema as zod; every part was checked to be zod when the route was registered. */
function asZod(schema: unknown, where: string): $ZodType {
  if (schema instanceof $ZodType) return schema;
  throw new Error(`${where}: expected a zod schema`);
}
const zodValidator: FastifySchemaCompiler<FastifySchema> = (def) =>
  validatorCompiler({ ...def, schema: asZod(def.schema, `${def.method} ${def.url}`) });
const zodSerializer: FastifySerializerCompiler<FastifySchema> = (def) =>
  serializerCompiler({ ...def, schema: asZod(def.schema, `${def.method} ${def.url}`) });

/**
 * Gives every route registered on `app` (and its children) after this call the zod compilers; a route
 * declaring any part with a JSON schema is refused at start-up, naming it.
 */
export function useZodSchemas(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const kinds = partKinds(route.schema);
    if (kinds.json > 0)
      throw new Error(
        `route ${String(route.method)} ${route.url} declares a JSON schema: declare every part with zod (src/api/shapes/, see src/api/zod-routes.ts)`,
      );
    if (kinds.zod === 0) return;
    route.validatorCompiler ??= zodValidator;
    route.serializerCompiler ??= zodSerializer;
  });
}

/** The OpenAPI transform of @fastify/swagger: the routes' zod schemas become JSON schemas. */
export const openApiTransform = jsonSchemaTransform;
