/**
 * The device registry API under `/api/v1/devices`: every member of an organisation lists its devices
 * (status, last seen, message rate, refused readings, token state), read-only; administrators
 * provision (the token is answered once), rotate, revoke and assign devices to facilities. Devices of
 * other organisations are "not found", never "forbidden", so that their existence does not leak.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import { requirePrincipal, requireRole, roleAtLeast } from '../api/principal.ts';
import { errorResponses } from '../api/routes/schemas.ts';
import { InputError } from '../errors.ts';
import {
  deviceList,
  devicePatchInput,
  deviceView,
  issuedDevice,
  jsonSchema,
  newDeviceInput,
} from './schemas.ts';
import type { DeviceService } from './service.ts';
import { RATE_WINDOW_MS, STATUS_THRESHOLDS } from './status.ts';

/** Options of {@link deviceRoutes}. */
export interface DeviceRoutesOptions {
  service: DeviceService;
  /** Where devices send to (the snippets shown with a new token). */
  connect: { mqttUrl: string; topicRoot: string };
}

const TAGS = ['devices'];
const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['id'],
} as const;

/** Parses a body with a zod schema; InputError naming the first wrong field. */
function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new InputError(issue?.message ?? 'invalid body', { field: issue?.path.join('.') || 'body' });
}

/** The routes. */
export function deviceRoutes(opts: DeviceRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    const { service } = opts;
    const admin = requireRole('admin');
    const connect = { ...opts.connect, ingestPath: '/api/v1/readings' };
    const one = { 200: jsonSchema(deviceView), ...errorResponses };
    const issued = (code: 200 | 201) => ({ [code]: jsonSchema(issuedDevice), ...errorResponses });

    app.get(
      '/api/v1/devices',
      {
        schema: {
          tags: TAGS,
          summary: "My organisation's devices: status, last seen, message rate, refused readings, token",
          response: { 200: jsonSchema(deviceList), ...errorResponses },
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
      { schema: { tags: TAGS, summary: 'One device (by id or name)', params: idParams, response: one } },
      async (request) => {
        const p = requirePrincipal(request);
        return service.get(p.orgId, (request.params as { id: string }).id);
      },
    );

    app.post(
      '/api/v1/devices',
      {
        preHandler: admin,
        schema: {
          tags: TAGS,
          summary: 'Provision a device: its token is in this answer and never shown again',
          body: jsonSchema(newDeviceInput),
          response: issued(201),
        },
      },
      async (request, reply) => {
        const p = requirePrincipal(request);
        const input = parse(newDeviceInput, request.body);
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
          params: idParams,
          response: issued(200),
        },
      },
      async (request) => {
        const p = requirePrincipal(request);
        return { ...(await service.rotate(p.orgId, (request.params as { id: string }).id)), connect };
      },
    );

    app.post(
      '/api/v1/devices/:id/revoke',
      {
        preHandler: admin,
        schema: {
          tags: TAGS,
          summary: "Revoke the device's token: its connections close and its messages are refused",
          params: idParams,
          response: one,
        },
      },
      async (request) => {
        const p = requirePrincipal(request);
        return service.revoke(p.orgId, (request.params as { id: string }).id);
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
          params: idParams,
          body: jsonSchema(devicePatchInput),
          response: one,
        },
      },
      async (request) => {
        const p = requirePrincipal(request);
        const input = parse(devicePatchInput, request.body);
        return service.assign(p.orgId, (request.params as { id: string }).id, input.facilityId);
      },
    );
  };
}
