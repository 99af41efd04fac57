/**
 * The pattern-rule language (JSON or YAML), in the style of Flink CEP. A rule applies a condition to
 * every channel in its scope; when the condition fires on a channel an alert is raised.
 *
 * Leaf conditions: `above` (value above X, or above the channel's p97 times a factor, for T),
 * `below`, `silent` (no reading for T), `drop_to_zero` (from at least X to about zero). Combinations:
 * `count` (the inner condition fires N times within T), `any`, `all` (every inner condition fired
 * within T), `sequence` (inner conditions fire in order within T). See docs/realtime.md.
 */
import { z } from 'zod';
import { SEVERITIES } from '../../domain/types.ts';
import { InputError } from '../../errors.ts';
import { parseDuration } from '../duration.ts';

const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/, 'a duration like 30s, 15m, 2h'),
]);

/** A condition, as written. */
export type ConditionSpec =
  | { type: 'above'; value?: number; threshold?: string; factor?: number; for?: number | string }
  | { type: 'below'; value: number; for?: number | string }
  | { type: 'silent'; for: number | string }
  | { type: 'drop_to_zero'; from?: number; epsilon?: number }
  | { type: 'count'; n: number; within: number | string; of: ConditionSpec }
  | { type: 'any'; of: ConditionSpec[] }
  | { type: 'all'; within: number | string; of: ConditionSpec[] }
  | { type: 'sequence'; within: number | string; of: ConditionSpec[] };

const condition: z.ZodType<ConditionSpec> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z
      .object({
        type: z.literal('above'),
        value: z.number().optional(),
        threshold: z.string().optional(),
        factor: z.number().positive().optional(),
        for: duration.optional(),
      })
      .strict()
      .refine(
        (c) => (c.value === undefined) !== (c.threshold === undefined),
        'give exactly one of value or threshold',
      ),
    z.object({ type: z.literal('below'), value: z.number(), for: duration.optional() }).strict(),
    z.object({ type: z.literal('silent'), for: duration }).strict(),
    z
      .object({
        type: z.literal('drop_to_zero'),
        from: z.number().nonnegative().optional(),
        epsilon: z.number().nonnegative().optional(),
      })
      .strict(),
    z
      .object({ type: z.literal('count'), n: z.number().int().min(1), within: duration, of: condition })
      .strict(),
    z.object({ type: z.literal('any'), of: z.array(condition).min(1) }).strict(),
    z.object({ type: z.literal('all'), within: duration, of: z.array(condition).min(1) }).strict(),
    z.object({ type: z.literal('sequence'), within: duration, of: z.array(condition).min(2) }).strict(),
  ]),
);

/** Which channels a rule watches; empty means every channel of the organisation. */
export const scopeSchema = z
  .object({
    facilityIds: z.array(z.string()).optional(),
    meterIds: z.array(z.string()).optional(),
    channelIds: z.array(z.string()).optional(),
    mainsOnly: z.boolean().optional(),
  })
  .strict();

/** A rule as submitted (REST body or file). */
export const ruleInputSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    description: z.string().max(500).optional(),
    enabled: z.boolean().default(true),
    severity: z.enum(SEVERITIES).default('warning'),
    scope: scopeSchema.default({}),
    condition,
  })
  .strict();

/** A rule as submitted. */
export type RuleInput = z.input<typeof ruleInputSchema>;
/** A validated rule body. */
export type RuleBody = z.output<typeof ruleInputSchema>;
/** A channel scope. */
export type RuleScope = z.output<typeof scopeSchema>;

/** A stored rule: a validated body with identity. */
export interface PatternRule extends RuleBody {
  id: string;
  orgId: string;
  createdAt: number;
  updatedAt: number;
}

/** Validates a rule body; throws {@link InputError} naming the first bad field. */
export function parseRule(input: unknown, source = 'rule'): RuleBody {
  const r = ruleInputSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError(issue.message, { source, field: issue.path.join('.') || undefined });
  }
  checkDurations(r.data.condition, 'condition');
  return r.data;
}

function checkDurations(c: ConditionSpec, path: string): void {
  if ('for' in c && c.for !== undefined) parseDuration(c.for, `${path}.for`);
  if ('within' in c) parseDuration(c.within, `${path}.within`);
  if (c.type === 'count') checkDurations(c.of, `${path}.of`);
  if (c.type === 'any' || c.type === 'all' || c.type === 'sequence')
    c.of.forEach((x, i) => checkDurations(x, `${path}.of.${i}`));
}
