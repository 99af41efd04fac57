/**
 * The shapes of the device registry API, declared once in zod: the handlers parse with them, and
 * their JSON Schema form documents and validates the routes (OpenAPI).
 */
import { z } from 'zod';
import { DEVICE_SOURCES } from '../store/ports/devices.ts';
import { DEVICE_STATUSES } from './status.ts';

/** What an administrator sends to provision a device. */
export const newDeviceInput = z.strictObject({
  name: z.string().max(64, 'a device name has at most 64 characters'),
  facilityId: z.string().min(1).max(200).nullable().optional(),
});

/** What an administrator sends to change a device: its facility (null: none). */
export const devicePatchInput = z.strictObject({
  facilityId: z.string().min(1).max(200).nullable(),
});

/** A device as the API lists it. */
export const deviceView = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  facilityId: z.string().nullable(),
  facilityName: z.string().nullable(),
  meterIds: z.array(z.string()).nullable(),
  source: z.enum(DEVICE_SOURCES),
  createdAt: z.number(),
  lastSeenAt: z.number().nullable(),
  status: z.enum(DEVICE_STATUSES),
  messagesPerMinute: z.number(),
  rejected24h: z.number(),
  rejectedTotal: z.number(),
  token: z.object({
    state: z.enum(['active', 'revoked']),
    hint: z.string(),
    issuedAt: z.number(),
    revokedAt: z.number().nullable(),
  }),
});

/** Where devices send to, for the snippets shown with a new token. */
export const connectInfo = z.object({
  /** The MQTT broker devices connect to. */
  mqttUrl: z.string(),
  /** First topic level: devices publish under `<topicRoot>/<org>/...`. */
  topicRoot: z.string(),
  /** Path of HTTP ingest on this server. */
  ingestPath: z.string(),
});

/** The device list with the thresholds its statuses follow. */
export const deviceList = z.object({
  devices: z.array(deviceView),
  thresholds: z.object({ onlineMs: z.number(), staleMs: z.number(), rateWindowMs: z.number() }),
  connect: connectInfo,
  /** Whether the caller may provision, rotate, revoke and assign (administrators). */
  canManage: z.boolean(),
});

/** A device with its new token: the only answer that carries the secret. */
export const issuedDevice = z.object({ device: deviceView, token: z.string(), connect: connectInfo });

/** A zod schema as a JSON Schema Fastify can validate and document with (draft-07, no `$schema`). */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<
    string,
    unknown
  >;
  return rest;
}
