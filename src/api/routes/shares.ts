/** Sharing a facility with another user or organisation, read-only or with edit rights. */
import type { FastifyInstance } from 'fastify';
import { InputError, NotFoundError } from '../../errors.ts';
import type { Share, ShareAccess } from '../../store/ports/accounts.ts';
import { requirePrincipal, requireRole } from '../principal.ts';
import { randomId } from '../secrets.ts';
import { accessSchema, errorResponses, idSchema, shareSchema } from './schemas.ts';

const facilityParams = {
  type: 'object',
  properties: { facilityId: idSchema },
  required: ['facilityId'],
} as const;

/** Registers share routes. Only administrators of the owning organisation manage shares. */
export async function shareRoutes(app: FastifyInstance): Promise<void> {
  const { store, now } = app.deps;
  const admin = requireRole('admin');

  /** The facility if the caller's organisation owns it (shares are the owner's to give). */
  const ownFacility = async (orgId: string, facilityId: string) => {
    const f = await store.catalog.getFacility(facilityId);
    if (!f || f.orgId !== orgId) throw new NotFoundError('facility', facilityId);
    return f;
  };

  app.get(
    '/shares',
    {
      schema: {
        tags: ['sharing'],
        summary: 'Shares given by my organisation (admins) and shares given to me or my organisation',
        response: {
          200: {
            type: 'object',
            properties: {
              given: { type: 'array', items: shareSchema },
              received: { type: 'array', items: shareSchema },
            },
            required: ['given', 'received'],
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const given = p.role === 'admin' ? await store.accounts.listShares({ ownerOrgId: p.orgId }) : [];
      const toOrg = await store.accounts.listShares({ granteeOrgId: p.orgId });
      const toMe = p.userId ? await store.accounts.listShares({ granteeUserId: p.userId }) : [];
      return { given, received: [...toOrg, ...toMe] };
    },
  );

  app.get<{ Params: { facilityId: string } }>(
    '/facilities/:facilityId/shares',
    {
      preHandler: admin,
      schema: {
        tags: ['sharing'],
        summary: 'Shares of one of my facilities',
        params: facilityParams,
        response: { 200: { type: 'array', items: shareSchema }, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      await ownFacility(p.orgId, request.params.facilityId);
      return store.accounts.listShares({ facilityId: request.params.facilityId, ownerOrgId: p.orgId });
    },
  );

  app.post<{
    Params: { facilityId: string };
    Body: { userEmail?: string; orgId?: string; access: ShareAccess };
  }>(
    '/facilities/:facilityId/shares',
    {
      preHandler: admin,
      schema: {
        tags: ['sharing'],
        summary: 'Share one of my facilities with a user (by login) or an organisation (by id)',
        params: facilityParams,
        body: {
          type: 'object',
          properties: {
            userEmail: { type: 'string', minLength: 1, maxLength: 200 },
            orgId: idSchema,
            access: accessSchema,
          },
          required: ['access'],
          additionalProperties: false,
        },
        response: { 201: shareSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const f = await ownFacility(p.orgId, request.params.facilityId);
      const { userEmail, orgId, access } = request.body;
      if ((userEmail === undefined) === (orgId === undefined)) {
        throw new InputError('give exactly one of userEmail or orgId', { field: 'userEmail' });
      }
      let granteeUserId: string | null = null;
      if (userEmail !== undefined) {
        const u = await store.accounts.getUserByEmail(userEmail);
        if (!u) throw new InputError(`no user with login '${userEmail}'`, { field: 'userEmail' });
        granteeUserId = u.id;
      }
      if (orgId !== undefined && !(await store.catalog.getOrganisation(orgId))) {
        throw new InputError(`no organisation '${orgId}'`, { field: 'orgId' });
      }
      const share: Share = {
        id: randomId('shr'),
        facilityId: f.id,
        ownerOrgId: p.orgId,
        granteeUserId,
        granteeOrgId: orgId ?? null,
        access,
        createdBy: p.userId ?? null,
        createdAt: now(),
      };
      await store.accounts.createShare(share);
      return reply.status(201).send(share);
    },
  );

  app.delete<{ Params: { shareId: string } }>(
    '/shares/:shareId',
    {
      preHandler: admin,
      schema: {
        tags: ['sharing'],
        summary: 'Revoke a share my organisation gave',
        params: { type: 'object', properties: { shareId: idSchema }, required: ['shareId'] },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const share = await store.accounts.getShare(request.params.shareId);
      if (!share || share.ownerOrgId !== p.orgId) throw new NotFoundError('share', request.params.shareId);
      await store.accounts.deleteShare(share.id);
      return reply.status(204).send();
    },
  );
}
