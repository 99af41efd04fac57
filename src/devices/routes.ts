/**
 * The device registry API under `/api/v1/devices`: every member of an organisation lists its devices
 * (status, last seen, message rate, refused readings, token state), read-only; administrators
 * provision (the token is answered once), rotate, revoke and assign devices to facilities. Devices of
 * other organisations are "not found", never "forbidden", so that their existence does not leak.
 */
import type { FastifyPluginAsync } from 'fastify';
import { type Principal, requirePrincipal, requireRole, roleAtLeast } from '../api/principal.ts';
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

/** A handler acting on one device (`:id`, its id or name) of the caller's organisation. */
function onDevice<T>(act: (orgId: string, idOrName: string) => Promise<T>) {
  return async (request: { principal: Principal | null; params: { id: string } }): Promise<T> =>
    act(requirePrincipal(request).orgId, request.params.id);
}

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
      onDevice((orgId, id) => service.get(orgId, id)),
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
        const r = await service.provision({
          orgId: p.orgId,
          name: request.body.name,
          facilityId: request.body.facilityId ?? null,
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
      onDevice(async (orgId, id) => ({ ...(await service.rotate(orgId, id)), connect })),
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
      onDevice((orgId, id) => service.revoke(orgId, id)),
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
