/**
 * Pieces every API shape is built from: identifiers, times and row limits as the routes take them in
 * a query, and the error body every route can answer. Request schemas describe what a client sends
 * (strings in a query, coerced where a number is meant); the OpenAPI document shows the descriptions.
 */
import { z } from 'zod';
import { TIME_FORMATS } from '../params.ts';

/** An identifier in a path, query or body. */
export const id = z.string().min(1).max(200);

/** Path parameters `{ id }`. */
export const idParams = z.object({ id });

/** Path of one facility. */
export const facilityParams = z.object({ facilityId: id });

/**
 * A time parameter, checked and read by `parseTime`/`parseTimeRange` in the handler (which know the
 * facility's time zone and the defaults). `zone` says how a date or time without an offset is read.
 */
export function time(what: string, zone: 'facility' | 'UTC' = 'UTC') {
  const local = zone === 'facility' ? "the facility's time zone" : 'UTC';
  return z
    .string()
    .min(1)
    .max(40)
    .describe(`${what}: ${TIME_FORMATS}; a date or time without an offset is in ${local}`);
}

/** A row limit in a query: a whole number from 1 to `max`, `dflt` when absent. */
export function limit(max: number, dflt: number) {
  return z.coerce.number().min(1).max(max).int().default(dflt).describe(`most rows to return, 1 to ${max}`);
}

/** A yes/no query parameter: `true` or `false` (a query carries text, not JSON booleans). */
export function flag(description: string) {
  return z.stringbool({ truthy: ['true'], falsy: ['false'] }).describe(description);
}

/** A comma-separated list in a query, e.g. `facilityId=a,b`; empty items are dropped. */
export function commaList(maxLength: number, description: string) {
  return z
    .string()
    .max(maxLength)
    .transform((s) => s.split(',').filter(Boolean))
    .describe(description);
}

/** `{ ok: true }`: the health check and Grafana's connection test. */
export const okBody = z.object({ ok: z.boolean() });

/** The JSON body of every error response (src/api/error-handler.ts). */
export const errorBody = z.object({ error: z.string(), message: z.string() });
/** An error response's body. */
export type ErrorBody = z.infer<typeof errorBody>;

/** Error responses every protected route can give. */
export const errorResponses = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
} as const;

/** True when A and B are the same type; shapes that mirror a domain type assert it at compile time. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile unless `T` is `true`: `export type Checked = Assert<Same<Shape, DomainType>>`. */
export type Assert<T extends true> = T;
