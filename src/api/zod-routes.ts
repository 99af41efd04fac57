/**
 * Routes declare their shapes once, with zod (`src/api/shapes/`): the same schema validates the
 * request, types the handler (`app.withTypeProvider<ZodTypeProvider>()`), checks and serialises the
 * response, feeds the OpenAPI document and is imported by the web application as a type. Routes still
 * written with JSON schemas keep Fastify's own compilers: a route is either all zod or all JSON schema,
 * and this module gives each the compilers of its kind.
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

/** True when the route's schema is written with zod. */
export function isZodSchema(schema: FastifySchema | undefined): boolean {
  return partKinds(schema).zod > 0;
}

/** A part's schema as zod; the route was checked to be all zod when it was registered. */
function asZod(schema: unknown, where: string): $ZodType {
  if (schema instanceof $ZodType) return schema;
  throw new Error(`${where}: expected a zod schema`);
}
const zodValidator: FastifySchemaCompiler<FastifySchema> = (def) =>
  validatorCompiler({ ...def, schema: asZod(def.schema, `${def.method} ${def.url}`) });
const zodSerializer: FastifySerializerCompiler<FastifySchema> = (def) =>
  serializerCompiler({ ...def, schema: asZod(def.schema, `${def.method} ${def.url}`) });

/**
 * Gives every route registered on `app` (and its children) after this call the compilers of its
 * schema's kind; a route mixing zod and JSON schemas is refused at start-up, naming it.
 */
export function useZodSchemas(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const kinds = partKinds(route.schema);
    if (kinds.zod === 0) return;
    if (kinds.json > 0)
      throw new Error(
        `route ${String(route.method)} ${route.url} mixes zod and JSON schemas: declare every part with zod (src/api/shapes/)`,
      );
    route.validatorCompiler ??= zodValidator;
    route.serializerCompiler ??= zodSerializer;
  });
}

/** The OpenAPI transform of @fastify/swagger: zod schemas become JSON schemas, JSON schemas stay. */
export const openApiTransform: typeof jsonSchemaTransform = (doc) =>
  isZodSchema(doc.schema) ? jsonSchemaTransform(doc) : { schema: doc.schema, url: doc.url };
