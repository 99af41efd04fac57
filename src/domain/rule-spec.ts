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
import { SEVERITIES } from './types.ts';
import { InputError } from '../errors.ts';
import { parseDuration } from '../util/duration.ts';

/** Longest `for` or `within` a rule may give: a year, so that no window outlives the data it watches. */
const MAX_DURATION_MS = 366 * 86_400_000;

const duration = z.union(
  [
    z.number().nonnegative().max(MAX_DURATION_MS),
    z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/, 'a duration like 30s, 15m, 2h'),
  ],
  { error: 'expected a duration like 30s, 15m, 2h or 1d (or milliseconds), up to 366d' },
);

/** A measured value to compare with: finite, in the channel's unit. */
const reading = z.number({ error: "expected a number in the channel's unit (W, Wh, m3, L)" });

/**
 * A threshold name: a percentile of the channel's active values as the batch layer computes them,
 * `p97` by default, others with `loadscope batch run --percentile N` (see docs/realtime.md).
 */
const THRESHOLD_NAME = /^p(\d{1,2}(\.\d{1,3})?)$/;
const thresholdName = z
  .string({ error: 'expected a percentile threshold such as p97' })
  .refine((s) => THRESHOLD_NAME.test(s) && Number(s.slice(1)) > 0, {
    error: (i) =>
      `expected a percentile threshold such as p97 or p99.5 (p0.001 to p99.999), got '${String(i.input)}'`,
  });

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
        value: reading.optional(),
        threshold: thresholdName.optional(),
        factor: z.number({ error: 'expected a positive number' }).positive().max(1000).optional(),
        for: duration.optional(),
      })
      .strict()
      .refine(
        (c) => (c.value === undefined) !== (c.threshold === undefined),
        'give exactly one of value or threshold',
      ),
    z.object({ type: z.literal('below'), value: reading, for: duration.optional() }).strict(),
    z.object({ type: z.literal('silent'), for: duration }).strict(),
    z
      .object({
        type: z.literal('drop_to_zero'),
        from: reading.nonnegative().optional(),
        epsilon: reading.nonnegative().optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('count'),
        n: z.number({ error: 'expected a whole number from 1 to 100000' }).int().min(1).max(100_000),
        within: duration,
        of: condition,
      })
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

/** The threshold names a condition compares with (e.g. `p97`), so that they can be loaded. */
export function thresholdNamesOf(c: ConditionSpec): string[] {
  if (c.type === 'above') return c.threshold ? [c.threshold] : [];
  if (c.type === 'count') return thresholdNamesOf(c.of);
  if (c.type === 'any' || c.type === 'all' || c.type === 'sequence') return c.of.flatMap(thresholdNamesOf);
  return [];
}

function checkDurations(c: ConditionSpec, path: string): void {
  const check = (d: number | string, field: string) => {
    if (parseDuration(d, field) > MAX_DURATION_MS)
      throw new InputError(`a duration up to 366d, got '${d}'`, { source: 'rule', field });
  };
  if ('for' in c && c.for !== undefined) check(c.for, `${path}.for`);
  if ('within' in c) check(c.within, `${path}.within`);
  if (c.type === 'count') checkDurations(c.of, `${path}.of`);
  if (c.type === 'any' || c.type === 'all' || c.type === 'sequence')
    c.of.forEach((x, i) => checkDurations(x, `${path}.of.${i}`));
}
