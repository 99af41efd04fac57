/** Sharing a facility with another user or organisation, read-only or with edit rights. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InputError, NotFoundError } from '../../errors.ts';
import type { Share } from '../../store/ports/accounts.ts';
import { requirePrincipal, requireRole } from '../principal.ts';
import { randomId } from '../secrets.ts';
import { newShare, share as shareShape, shareParams, sharesOverview } from '../shapes/accounts.ts';
import { errorResponses, facilityParams } from '../shapes/common.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';

/** Registers share routes. Only administrators of the owning organisation manage shares. */
export async function shareRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
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
        response: { 200: sharesOverview, ...errorResponses },
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

  app.get(
    '/facilities/:facilityId/shares',
    {
      preHandler: admin,
      schema: {
        tags: ['sharing'],
        summary: 'Shares of one of my facilities',
        params: facilityParams,
        response: { 200: shareShape.array(), ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      await ownFacility(p.orgId, request.params.facilityId);
      return store.accounts.listShares({ facilityId: request.params.facilityId, ownerOrgId: p.orgId });
    },
  );

  app.post(
    '/facilities/:facilityId/shares',
    {
      preHandler: admin,
      schema: {
        tags: ['sharing'],
        summary: 'Share one of my facilities with a user (by login) or an organisation (by id)',
        params: facilityParams,
        body: newShare,
        response: { 201: shareShape, ...errorResponses },
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

  app.delete(
    '/shares/:shareId',
    {
      preHandler: admin,
      schema: {
        tags: ['sharing'],
        summary: 'Revoke a share my organisation gave',
        params: shareParams,
        response: { 204: z.null().describe('revoked: no body'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const share = await store.accounts.getShare(request.params.shareId);
      if (!share || share.ownerOrgId !== p.orgId) throw new NotFoundError('share', request.params.shareId);
      await store.accounts.deleteShare(share.id);
      return reply.status(204).send(null);
    },
  );
}
