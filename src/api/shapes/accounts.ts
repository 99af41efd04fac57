/**
 * Accounts as the API takes and answers them: the organisation, users, API tokens (never their
 * hash: a shape lists what leaves the server, the rest is dropped) and shares. Shapes that mirror
 * a store type are checked against it at compile time.
 */
import { z } from 'zod';
import { type Organisation as DomainOrganisation, ROLES } from '../../domain/types.ts';
import {
  SHARE_ACCESS,
  type Share as StoredShare,
  TOKEN_SCOPES,
  type User as StoredUser,
} from '../../store/ports/accounts.ts';
import { type Assert, type Same, id } from './common.ts';

/** A role. */
export const role = z.enum(ROLES);
/** A share's access. */
export const shareAccess = z.enum(SHARE_ACCESS);
/** Token scopes (src/api/scopes.ts): one or more, each once. */
export const scopes = z
  .array(z.enum(TOKEN_SCOPES))
  .min(1)
  .max(TOKEN_SCOPES.length)
  .refine((s) => new Set(s).size === s.length, 'each scope once');

/** The caller's organisation. */
export const organisation = z.object({ id: z.string(), name: z.string(), createdAt: z.number() });
/** `organisation` is the domain's. */
export type OrganisationChecked = Assert<Same<z.infer<typeof organisation>, DomainOrganisation>>;
/** Body of `PATCH /organisation`. */
export const organisationPatch = z.object({ name: z.string().min(1).max(200) });

/** A user as the API shows it. */
export const user = z.object({
  id: z.string(),
  orgId: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  createdAt: z.number(),
  disabled: z.boolean(),
});
/** A user. */
export type User = z.infer<typeof user>;
/** `User` is the store's. */
export type UserChecked = Assert<Same<User, StoredUser>>;
/** Body of `POST /users`. */
export const newUser = z.object({
  email: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\s]+$/, 'a login without spaces'),
  name: z.string().max(200).optional(),
  role,
  password: z.string().min(1).max(500),
});
/** Body of `PATCH /users/:userId`. */
export const userPatch = z.object({
  name: z.string().min(1).max(200).optional(),
  role: role.optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(10).max(500).optional(),
});
/** Path of one user. */
export const userParams = z.object({ userId: id });

/** An API token as the API shows it (never its hash). */
export const apiToken = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  role,
  scopes,
  createdBy: z.string().nullable().optional(),
  createdAt: z.number(),
  expiresAt: z.number().nullable().optional(),
  lastUsedAt: z.number().nullable().optional(),
});
/** A token as listed. */
export type ApiTokenView = z.infer<typeof apiToken>;
/** Body of `POST /tokens`. */
export const newToken = z.object({
  name: z.string().min(1).max(200),
  role: role.optional(),
  scopes: scopes
    .optional()
    .describe("read, write, write:readings, admin; default: the role's (a viewer's token only reads)"),
  expiresInDays: z.coerce.number().min(1).max(3650).int().optional(),
});
/** A newly created token: the secret is in this answer only. */
export const createdToken = z.object({ token: z.string(), info: apiToken });
/** `POST /tokens`. */
export type CreatedToken = z.infer<typeof createdToken>;
/** Path of one token. */
export const tokenParams = z.object({ tokenId: id });

/** A share of a facility with a user or an organisation. */
export const share = z.object({
  id: z.string(),
  facilityId: z.string(),
  ownerOrgId: z.string(),
  granteeUserId: z.string().nullable(),
  granteeOrgId: z.string().nullable(),
  access: shareAccess,
  createdBy: z.string().nullable(),
  createdAt: z.number(),
});
/** A share. */
export type Share = z.infer<typeof share>;
/** `Share` is the store's. */
export type ShareChecked = Assert<Same<Share, StoredShare>>;
/** `GET /shares`. */
export const sharesOverview = z.object({ given: share.array(), received: share.array() });
/** Body of `POST /facilities/:facilityId/shares`: a user by login or an organisation by id. */
export const newShare = z.object({
  userEmail: z.string().min(1).max(200).optional(),
  orgId: id.optional(),
  access: shareAccess,
});
/** Path of one share. */
export const shareParams = z.object({ shareId: id });

/** `GET /auth/me` and the login answer: who calls, and the CSRF token for session callers. */
export const me = z.object({
  user: user.nullable(),
  orgId: z.string(),
  role,
  via: z.enum(['session', 'token']),
  tokenId: z.string().optional(),
  scopes: scopes.optional().describe("a token's scopes (docs/api.md, Token scopes)"),
  csrfToken: z
    .string()
    .optional()
    .describe('send as header x-csrf-token on POST/PUT/PATCH/DELETE with the session cookie'),
});
/** Who am I. */
export type Me = z.infer<typeof me>;
/** Body of `POST /auth/login`. */
export const login = z.object({ email: z.string().min(1).max(200), password: z.string().min(1).max(500) });
/** Body of `POST /auth/password`. */
export const passwordChange = z.object({
  current: z.string().min(1).max(500),
  next: z.string().min(1).max(500),
});
