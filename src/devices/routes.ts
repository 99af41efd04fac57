/**
 * The device registry API under `/api/v1/devices`: every member of an organisation lists its devices
 * (status, last seen, message rate, refused readings, token state), read-only; administrators
 * provision (the token is answered once), rotate, revoke and assign devices to facilities. Devices of
 * other organisations are "not found", never "forbidden", so that their existence does not leak.
 */
import type { FastifyPluginAsync } from 'fastify';
import { requirePrincipal, requireRole, roleAtLeast } from '../api/principal.ts';
import { errorResponses } from '../api/shapes/common.ts';
import {
  deviceList,
  deviceParams,
  devicePatchInput,
  deviceView,
  issuedDevice,
  newDeviceInput,
} from '../api/shapes/devices.ts';
import type { ZodTypeProvider } from '../api/zod-routes.ts';
import type { DeviceService } from './service.ts';
import { RATE_WINDOW_MS, STATUS_THRESHOLDS } from './status.ts';

/** Options of {@link deviceRoutes}. */
export interface DeviceRoutesOptions {
  service: DeviceService;
  /** Where devices send to (the snippets shown with a new token). */
  connect: { mqttUrl: string; topicRoot: string };
}

const TAGS = ['devices'];

/** The routes. */
export function deviceRoutes(opts: DeviceRoutesOptions): FastifyPluginAsync {
  return async (host) => {
    const app = host.withTypeProvider<ZodTypeProvider>();
    const { service } = opts;
    const admin = requireRole('admin');
    const connect = { ...opts.connect, ingestPath: '/api/v1/readings' };
    const one = { 200: deviceView, ...errorResponses };

    app.get(
      '/api/v1/devices',
      {
        schema: {
          tags: TAGS,
          summary: "My organisation's devices: status, last seen, message rate, refused readings, token",
          response: { 200: deviceList, ...errorResponses },
        },
      },
      async (request) => {
        const p = requirePrincipal(request);
        return {
          devices: await service.list(p.orgId),
          thresholds: { ...STATUS_THRESHOLDS, rateWindowMs: RATE_WINDOW_MS },
          connect,
          canManage: roleAtLeast(p.role, 'admin'),
        };
      },
    );

    app.get(
      '/api/v1/devices/:id',
      { schema: { tags: TAGS, summary: 'One device (by id or name)', params: deviceParams, response: one } },
      async (request) => {
        const p = requirePrincipal(request);
        return service.get(p.orgId, request.params.id);
      },
    );

    app.post(
      '/api/v1/devices',
      {
        preHandler: admin,
        schema: {
          tags: TAGS,
          summary: 'Provision a device: its token is in this answer and never shown again',
          body: newDeviceInput,
          response: { 201: issuedDevice, ...errorResponses },
        },
      },
      async (request, reply) => {
        const p = requirePrincipal(request);
        const input = request.body;
        const r = await service.provision({
          orgId: p.orgId,
          name: input.name,
          facilityId: input.facilityId ?? null,
          createdBy: p.userId ?? null,
        });
        return reply.status(201).send({ ...r, connect });
      },
    );

    app.post(
      '/api/v1/devices/:id/rotate',
      {
        preHandler: admin,
        schema: {
          tags: TAGS,
          summary: 'Issue a new token; the old one stops working at once, open connections included',
          params: deviceParams,
          response: { 200: issuedDevice, ...errorResponses },
        },
      },
      async (request) => {
        const p = requirePrincipal(request);
        return { ...(await service.rotate(p.orgId, request.params.id)), connect };
      },
    );

    app.post(
      '/api/v1/devices/:id/revoke',
      {
        preHandler: admin,
        schema: {
          tags: TAGS,
          summary: "Revoke the device's token: its connections close and its messages are refused",
          params: deviceParams,
          response: one,
        },
      },
      async (request) => {
        const p = requirePrincipal(request);
        return service.revoke(p.orgId, request.params.id);
      },
    );

    app.patch(
      '/api/v1/devices/:id',
      {
        preHandler: admin,
        schema: {
          tags: TAGS,
          summary:
            "Assign the device to a facility of the organisation (null: none); it may then publish for that facility's meters only",
          params: deviceParams,
          body: devicePatchInput,
          response: one,
        },
      },
      async (request) => {
        const p = requirePrincipal(request);
        return service.assign(p.orgId, request.params.id, request.body.facilityId);
      },
    );
  };
}
