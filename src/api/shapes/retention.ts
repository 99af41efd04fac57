/**
 * The organisation's retention as the API takes and answers it (`/api/v1/retention`); the admin
 * page checks its form with the same days schema, so both refuse the same values with the same words.
 */
import { z } from 'zod';
import {
  MAX_RETENTION_DAYS,
  type RetentionSettings,
  type RetentionState,
} from '../../store/ports/retention.ts';
import type { Assert, Same } from './common.ts';

/** Days a tier stays in the store: whole days from 1 to {@link MAX_RETENTION_DAYS} (more is for ever). */
export const retentionDays = z
  .number({ error: (iss) => (iss.input === undefined ? 'required: whole days' : 'expected whole days') })
  .int('expected whole days')
  .min(1, `expected 1 to ${MAX_RETENTION_DAYS} days`)
  .max(MAX_RETENTION_DAYS, `expected 1 to ${MAX_RETENTION_DAYS} days`);

/** What an administrator sends to change the organisation's retention. */
export const retentionInput = z.object({
  rawDays: retentionDays.describe('days raw readings stay in the store (older ones live in the lake)'),
  minuteDays: retentionDays.describe('days minute aggregates stay in the store'),
});
/** `retentionInput` is the store's settings. */
export type SettingsChecked = Assert<Same<z.infer<typeof retentionInput>, RetentionSettings>>;

const lastRun = z.object({
  at: z.number(),
  copied: z.number(),
  deleted: z.number(),
  minutesDeleted: z.number(),
  skippedDays: z.number(),
});

/** The organisation's retention as the API answers it. */
export const retentionState = retentionInput.extend({
  orgId: z.string(),
  lakeBefore: z.number().nullable(),
  minutesBefore: z.number().nullable(),
  lastRun: lastRun.nullable(),
  /** A run is in progress. */
  running: z.boolean(),
  /** False when the lake is off: a run cannot move anything then. */
  lakeConfigured: z.boolean(),
});
/** Parsed {@link retentionState}. */
export type RetentionStateBody = z.infer<typeof retentionState>;
/** `retentionState` is the store's state, with the process's run flags. */
export type StateChecked = Assert<
  Same<Omit<RetentionStateBody, 'running' | 'lakeConfigured'>, RetentionState>
>;
