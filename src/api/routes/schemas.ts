/**
 * JSON schemas shared by the route modules not yet written with zod (src/api/shapes/ holds the zod
 * shapes; a route moves over whole).
 */
import { errorBodySchema } from '../error-handler.ts';

/** An identifier in a path or body. */
export const idSchema = { type: 'string', minLength: 1, maxLength: 200 } as const;

/** Error responses every protected route can give. */
export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
} as const;
