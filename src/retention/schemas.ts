/**
 * The shapes of the retention API, declared once in zod: the handlers parse with them and their JSON
 * Schema form validates and documents the routes (OpenAPI); the web app's form follows the same limits.
 */
import { z } from 'zod';
import { MAX_RETENTION_DAYS } from '../store/ports/retention.ts';

const days = (what: string) =>
  z
    .number()
    .int(`expected whole days for ${what}`)
    .min(1, `${what} stay at least 1 day`)
    .max(MAX_RETENTION_DAYS, `at most ${MAX_RETENTION_DAYS} days (beyond that is for ever)`);

/** What an administrator sends to change the organisation's retention. */
export const retentionInput = z.strictObject({
  rawDays: days('raw readings'),
  minuteDays: days('minute aggregates'),
});

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
