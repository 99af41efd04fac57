/** Administration of the caller's organisation: the organisation itself, its users and API tokens. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ForbiddenError, InputError, NotFoundError } from '../../errors.ts';
import { createApiToken, createUser } from '../accounts/service.ts';
import { requirePrincipal, requireRole, roleAtLeast } from '../principal.ts';
import { hashPassword } from '../secrets.ts';
import { effectiveScopes } from '../scopes.ts';
import {
  apiToken,
  createdToken,
  newToken,
  newUser,
  organisation,
  organisationPatch,
  tokenParams,
  user as userShape,
  userParams,
  userPatch,
} from '../shapes/accounts.ts';
import { errorResponses } from '../shapes/common.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';

const deleted = z.null().describe('deleted: no body');

/** Registers organisation, user and token routes. */
export async function userRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const { store, now } = app.deps;
  const admin = requireRole('admin');

  app.get(
    '/organisation',
    {
      schema: {
        tags: ['admin'],
        summary: "The caller's organisation",
        response: { 200: organisation, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const org = await store.catalog.getOrganisation(p.orgId);
      if (!org) throw new NotFoundError('organisation', p.orgId);
      return org;
    },
  );

  app.patch(
    '/organisation',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Rename the organisation',
        body: organisationPatch,
        response: { 200: organisation, ...errorResponses },
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
        response: { 200: userShape.array(), ...errorResponses },
      },
    },
    async (request) => store.accounts.listUsers({ orgId: requirePrincipal(request).orgId }),
  );

  app.post(
    '/users',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Create a user in my organisation',
        body: newUser,
        response: { 201: userShape, ...errorResponses },
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

  app.patch(
    '/users/:userId',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: "Change a user's name, role, password or disabled flag",
        params: userParams,
        body: userPatch,
        response: { 200: userShape, ...errorResponses },
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

  app.delete(
    '/users/:userId',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Delete a user',
        params: userParams,
        response: { 204: deleted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const user = await userOfMyOrg(p.orgId, request.params.userId);
      if (user.id === p.userId) throw new ForbiddenError('you cannot delete yourself');
      await store.accounts.deleteUser(user.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/tokens',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'API tokens of my organisation',
        response: { 200: apiToken.array(), ...errorResponses },
      },
    },
    async (request) =>
      (await store.accounts.listTokens({ orgId: requirePrincipal(request).orgId })).map((t) => ({
        ...t,
        scopes: effectiveScopes(t),
      })),
  );

  app.post(
    '/tokens',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Create an API token; the token is shown in this response only',
        body: newToken,
        response: { 201: createdToken, ...errorResponses },
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
      return reply.status(201).send({ token, info: { ...row, scopes: effectiveScopes(row) } });
    },
  );

  app.delete(
    '/tokens/:tokenId',
    {
      preHandler: admin,
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API token',
        params: tokenParams,
        response: { 204: deleted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const token = await store.accounts.getToken(request.params.tokenId);
      if (!token || token.orgId !== p.orgId) throw new NotFoundError('token', request.params.tokenId);
      await store.accounts.deleteToken(token.id);
      return reply.status(204).send(null);
    },
  );
}
