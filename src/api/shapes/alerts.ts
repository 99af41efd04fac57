/**
 * Alerts and pattern rules as the API takes and answers them (`/api/v1/alerts`, `/api/v1/rules`).
 * The alert mirrors the domain's `Alert`, a rule the stream layer's `PatternRule`; both are checked
 * against them at compile time.
 */
import { z } from 'zod';
import { ALERT_STATES, type Alert as DomainAlert, SEVERITIES, UNITS } from '../../domain/types.ts';
import { type PatternRule, ruleInputSchema } from '../../domain/rule-spec.ts';
import { type Assert, type Same, commaList, limit, time } from './common.ts';

/** An alert. */
export const alert = z.object({
  id: z.string(),
  rule: z.string(),
  channelId: z.string(),
  facilityId: z.string(),
  orgId: z.string(),
  ts: z.number(),
  endTs: z.number().nullable(),
  value: z.number(),
  threshold: z.number().nullable(),
  unit: z.enum(UNITS).nullable(),
  severity: z.enum(SEVERITIES),
  state: z.enum(ALERT_STATES),
  message: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** An alert as the API answers it. */
export type Alert = z.infer<typeof alert>;
/** `Alert` is the domain's. */
export type AlertChecked = Assert<Same<Alert, DomainAlert>>;

/** Query of `GET /api/v1/alerts`. */
export const alertsQuery = z.object({
  state: z
    .string()
    .max(100)
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(ALERT_STATES)))
    .optional()
    .describe(`comma-separated: ${ALERT_STATES.join(', ')}`),
  severity: z.enum(SEVERITIES).optional(),
  facilityId: commaList(2000, 'facility ids, comma-separated').optional(),
  channelId: z.string().max(200).optional(),
  rule: z.string().max(200).optional(),
  from: time('alerts from this time, inclusive').optional(),
  to: time('alerts before this time').optional(),
  limit: limit(1000, 100),
});

/** A stored pattern rule. */
export const patternRule = ruleInputSchema.extend({
  id: z.string(),
  orgId: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** `PatternRule` is the stream layer's. */
export type RuleChecked = Assert<Same<z.output<typeof patternRule>, PatternRule>>;
