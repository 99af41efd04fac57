/** JSON schemas shared by the route modules (they also feed the OpenAPI document). */
import { FACILITY_KINDS, ROLES } from '../../domain/types.ts';
import { SHARE_ACCESS, TOKEN_SCOPES } from '../../store/ports/accounts.ts';
import { errorBodySchema } from '../error-handler.ts';

/** An identifier in a path or body. */
export const idSchema = { type: 'string', minLength: 1, maxLength: 200 } as const;
/** A role. */
export const roleSchema = { type: 'string', enum: [...ROLES] } as const;
/** A facility kind. */
export const kindSchema = { type: 'string', enum: [...FACILITY_KINDS] } as const;
/** Token scopes (src/api/scopes.ts). */
export const scopesSchema = {
  type: 'array',
  items: { type: 'string', enum: [...TOKEN_SCOPES] },
  minItems: 1,
  maxItems: TOKEN_SCOPES.length,
  uniqueItems: true,
} as const;
/** A share's access. */
export const accessSchema = { type: 'string', enum: [...SHARE_ACCESS] } as const;

/** A user as the API shows it. */
export const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    orgId: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: roleSchema,
    createdAt: { type: 'number' },
    disabled: { type: 'boolean' },
  },
  required: ['id', 'orgId', 'email', 'name', 'role', 'createdAt', 'disabled'],
} as const;

/** A token as the API shows it (never its hash). */
export const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    orgId: { type: 'string' },
    name: { type: 'string' },
    role: roleSchema,
    scopes: scopesSchema,
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'number' },
    expiresAt: { type: ['number', 'null'] },
    lastUsedAt: { type: ['number', 'null'] },
  },
  required: ['id', 'orgId', 'name', 'role', 'scopes', 'createdAt'],
} as const;

/** A share. */
export const shareSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    facilityId: { type: 'string' },
    ownerOrgId: { type: 'string' },
    granteeUserId: { type: ['string', 'null'] },
    granteeOrgId: { type: ['string', 'null'] },
    access: accessSchema,
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'number' },
  },
  required: ['id', 'facilityId', 'ownerOrgId', 'access', 'createdAt'],
} as const;

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
