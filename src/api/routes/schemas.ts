/**
 * JSON schemas shared by the route modules not yet written with zod (src/api/shapes/ holds the zod
 * shapes; a route moves over whole).
 */
import { FACILITY_KINDS } from '../../domain/types.ts';
import { errorBodySchema } from '../error-handler.ts';

/** An identifier in a path or body. */
export const idSchema = { type: 'string', minLength: 1, maxLength: 200 } as const;
/** A facility kind. */
export const kindSchema = { type: 'string', enum: [...FACILITY_KINDS] } as const;

/** A facility. */
export const facilitySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    orgId: { type: 'string' },
    name: { type: 'string' },
    kind: kindSchema,
    address: { type: ['string', 'null'] },
    zip: { type: ['string', 'null'] },
    timeZone: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'number' },
  },
  required: ['id', 'orgId', 'name', 'kind', 'timeZone', 'tags', 'createdAt'],
} as const;

/** Error responses every protected route can give. */
export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
} as const;
