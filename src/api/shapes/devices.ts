/**
 * The device registry as the API takes and answers it (`/api/v1/devices`). Unknown fields of a body
 * are dropped, never stored: a caller cannot choose a device's token.
 */
import { z } from 'zod';
import type { DeviceView } from '../../devices/service.ts';
import { DEVICE_STATUSES } from '../../devices/status.ts';
import { DEVICE_SOURCES } from '../../store/ports/devices.ts';
import type { Assert, Same } from './common.ts';

/** What an administrator sends to provision a device. */
export const newDeviceInput = z.object({
  name: z.string().max(64, 'a device name has at most 64 characters'),
  facilityId: z.string().min(1).max(200).nullable().optional(),
});

/** What an administrator sends to change a device: its facility (null: none). */
export const devicePatchInput = z.object({
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
/** One device as listed. */
export type DeviceRow = z.infer<typeof deviceView>;
/** `DeviceRow` is the device service's. */
export type DeviceChecked = Assert<Same<DeviceRow, DeviceView>>;

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

/** The device list with its thresholds and where devices send to. */
export type DeviceList = z.infer<typeof deviceList>;

/** A device with its new token: the only answer that carries the secret. */
export const issuedDevice = z.object({ device: deviceView, token: z.string(), connect: connectInfo });
/** A device with the token just issued (shown once). */
export type IssuedDevice = z.infer<typeof issuedDevice>;

/** Path of one device: its id or its name. */
export const deviceParams = z.object({ id: z.string().min(1).max(200).describe('device id or name') });
