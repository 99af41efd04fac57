/** Administration of the caller's organisation: the organisation itself, its users and API tokens. */
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../domain/types.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../errors.ts';
import { createApiToken, createUser } from '../accounts/service.ts';
import { requirePrincipal, requireRole, roleAtLeast } from '../principal.ts';
import { hashPassword } from '../secrets.ts';
import type { TokenScope } from '../../store/ports/accounts.ts';
import { effectiveScopes } from '../scopes.ts';
import { errorResponses, idSchema, roleSchema, scopesSchema, tokenSchema, userSchema } from './schemas.ts';

const orgSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, createdAt: { type: 'number' } },
  required: ['id', 'name', 'createdAt'],
} as const;
const userParams = { type: 'object', properties: { userId: idSchema }, required: ['userId'] } as const;
const tokenParams = { type: 'object', properties: { tokenId: idSchema }, required: ['tokenId'] } as const;

/** Registers organisation, user and token routes. */
export async function userRoutes(app: FastifyInstance): Promise<void> {
  const { store, now } = app.deps;
  const admin = requireRole('admin');

  app.get(
    '/organisation',
    {
      schema: {
        tags: ['admin'],
        summary: "The caller's organisation",
        response: { 200: orgSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const org = await store.catalog.getOrganisation(p.orgId);
      if (!org) throw new NotFoundError('organisation', p.orgId);
      return org;
    },
  );

  app.patch<{ Body: { name: string } }>(
    '/organisation',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Rename the organisation',
        body: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
          required: ['name'],
          additionalProperties: false,
        },
        response: { 200: orgSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const org = await store.catalog.getOrganisation(p.orgId);
      if (!org) throw new NotFoundError('organisation', p.orgId);
      const next = { ...org, name: request.body.name };
      await store.catalog.upsertOrganisations([next]);
      return next;
    },
  );

  app.get(
    '/users',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Users of my organisation',
        response: { 200: { type: 'array', items: userSchema }, ...errorResponses },
      },
    },
    async (request) => store.accounts.listUsers({ orgId: requirePrincipal(request).orgId }),
  );

  app.post<{ Body: { email: string; name?: string; role: Role; password: string } }>(
    '/users',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Create a user in my organisation',
        body: {
          type: 'object',
          properties: {
            email: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s]+$' },
            name: { type: 'string', maxLength: 200 },
            role: roleSchema,
            password: { type: 'string', minLength: 1, maxLength: 500 },
          },
          required: ['email', 'role', 'password'],
          additionalProperties: false,
        },
        response: { 201: userSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const user = await createUser({ store, now }, { ...request.body, orgId: p.orgId });
      return reply.status(201).send(user);
    },
  );

  const userOfMyOrg = async (orgId: string, userId: string) => {
    const user = await store.accounts.getUser(userId);
    if (!user || user.orgId !== orgId) throw new NotFoundError('user', userId);
    return user;
  };

  app.patch<{
    Params: { userId: string };
    Body: { name?: string; role?: Role; disabled?: boolean; password?: string };
  }>(
    '/users/:userId',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: "Change a user's name, role, password or disabled flag",
        params: userParams,
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            role: roleSchema,
            disabled: { type: 'boolean' },
            password: { type: 'string', minLength: 10, maxLength: 500 },
          },
          additionalProperties: false,
        },
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const user = await userOfMyOrg(p.orgId, request.params.userId);
      const { password, ...rest } = request.body;
      if (
        user.id === p.userId &&
        (rest.disabled === true || (rest.role !== undefined && rest.role !== 'admin'))
      ) {
        throw new ForbiddenError('you cannot demote or disable yourself; ask another administrator');
      }
      await store.accounts.updateUser(user.id, {
        ...rest,
        ...(password ? { passwordHash: await hashPassword(password) } : {}),
      });
      return (await store.accounts.getUser(user.id)) ?? user;
    },
  );

  app.delete<{ Params: { userId: string } }>(
    '/users/:userId',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Delete a user',
        params: userParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const user = await userOfMyOrg(p.orgId, request.params.userId);
      if (user.id === p.userId) throw new ForbiddenError('you cannot delete yourself');
      await store.accounts.deleteUser(user.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/tokens',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'API tokens of my organisation',
        response: { 200: { type: 'array', items: tokenSchema }, ...errorResponses },
      },
    },
    async (request) =>
      (await store.accounts.listTokens({ orgId: requirePrincipal(request).orgId })).map((t) => ({
        ...t,
        scopes: effectiveScopes(t),
      })),
  );

  app.post<{ Body: { name: string; role?: Role; scopes?: TokenScope[]; expiresInDays?: number } }>(
    '/tokens',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Create an API token; the token is shown in this response only',
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            role: roleSchema,
            scopes: {
              ...scopesSchema,
              description:
                "read, write, write:readings, admin; default: the role's (a viewer's token only reads)",
            },
            expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 },
          },
          required: ['name'],
          additionalProperties: false,
        },
        response: {
          201: {
            type: 'object',
            properties: { token: { type: 'string' }, info: tokenSchema },
            required: ['token', 'info'],
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const role = request.body.role ?? 'analyst';
      if (!roleAtLeast(p.role, role))
        throw new InputError(`a token cannot have more rights than you (${p.role})`, { field: 'role' });
      const days = request.body.expiresInDays;
      const { token, row } = await createApiToken(
        { store, now },
        {
          orgId: p.orgId,
          name: request.body.name,
          role,
          createdBy: p.userId ?? p.tokenId ?? null,
          expiresAt: days ? now() + days * 86_400_000 : null,
          ...(request.body.scopes ? { scopes: request.body.scopes } : {}),
        },
      );
      return reply.status(201).send({ token, info: row });
    },
  );

  app.delete<{ Params: { tokenId: string } }>(
    '/tokens/:tokenId',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API token',
        params: tokenParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const token = await store.accounts.getToken(request.params.tokenId);
      if (!token || token.orgId !== p.orgId) throw new NotFoundError('token', request.params.tokenId);
      await store.accounts.deleteToken(token.id);
      return reply.status(204).send();
    },
  );
}
