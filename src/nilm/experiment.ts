/**
 * Experiment files (YAML or JSON), in the spirit of NILMTK's experiment API: runs of train houses and
 * time ranges against test houses and ranges, one sample period, appliances, methods and metrics.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { applianceKey } from '../domain/appliances.ts';
import { InputError } from '../errors.ts';
import { CSV_TIME_FORMATS } from './data/csv.ts';
import { METRICS } from './metrics.ts';
import { METHOD_NAMES } from './methods/registry.ts';

const date = z.union([
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 date'),
  z.date(),
]);
const columns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const source = z.discriminatedUnion('dataset', [
  z.object({ dataset: z.literal('refit'), house: z.number().int(), from: date, to: date }),
  z.object({
    dataset: z.literal('redd'),
    house: z.literal(3),
    fromSeconds: z.number().min(0),
    toSeconds: z.number().positive(),
  }),
  z.object({ dataset: z.literal('ampds'), from: date, to: date }),
  z.object({ dataset: z.literal('store'), facility: z.string().min(1), from: date, to: date }),
  z.object({
    dataset: z.literal('csv'),
    /** Relative to the experiment file's folder. */
    path: z.string().min(1),
    time: z
      .union([
        z.string().min(1),
        z.object({
          column: z.string().min(1),
          format: z.enum(CSV_TIME_FORMATS).default('auto'),
          zone: z.string().min(1).optional(),
        }),
      ])
      .default('time')
      .transform((t) => (typeof t === 'string' ? { column: t, format: 'auto' as const } : t)),
    mains: columns,
    appliances: z
      .record(z.string(), columns)
      .refine((r) => Object.keys(r).length > 0, 'expected at least one appliance column')
      .transform((r, ctx) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, cols] of Object.entries(r)) {
          const key = applianceKey(name);
          if (key === '')
            ctx.addIssue({ code: 'custom', path: [name], message: `'${name}' is not an appliance name` });
          out[key] = cols;
        }
        return out;
      }),
    /** Unit of the values: W or kW. */
    unit: z.enum(['W', 'kW']).default('W'),
    from: date,
    to: date,
  }),
]);
/** Where one house's data for an experiment comes from. */
export type HouseSource = z.infer<typeof source>;

/** What `nilm eval` does about an appliance that a house lacks. */
export const MISSING_APPLIANCE = ['warn', 'fail'] as const;

const period = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(ms|s|min|h)$/, "expected e.g. '30s', '1min', '3000ms'"),
]);

const schema = z.object({
  name: z.string().min(1),
  samplePeriod: period,
  appliances: z
    .array(z.string().min(1))
    .min(1)
    .transform((names, ctx) => {
      // One spelling everywhere: `washing machine` and `WashingMachine` are `washing_machine`.
      const keys = names.map(applianceKey);
      keys.forEach((k, i) => {
        if (k === '')
          ctx.addIssue({ code: 'custom', path: [i], message: `'${names[i]}' is not an appliance name` });
        else if (keys.indexOf(k) !== i)
          ctx.addIssue({ code: 'custom', path: [i], message: `'${names[i]}' repeats appliance '${k}'` });
      });
      return keys;
    }),
  /** What an appliance absent from a house does: `warn` scores the rest and says so, `fail` stops. */
  missingAppliance: z.enum(MISSING_APPLIANCE).default('warn'),
  methods: z.array(z.enum(METHOD_NAMES)).min(1),
  metrics: z.array(z.enum(METRICS)).default([...METRICS]),
  onThreshold: z.number().positive().default(10),
  runs: z
    .array(z.object({ name: z.string().min(1), train: z.array(source).min(1), test: z.array(source).min(1) }))
    .min(1),
});

/** A parsed, validated experiment. */
export type Experiment = Omit<z.infer<typeof schema>, 'samplePeriod'> & { periodMs: number };

/** Milliseconds of a period written as a number (ms) or `30s`, `1min`, `3000ms`, `1h`. */
export function parsePeriod(p: number | string): number {
  if (typeof p === 'number') return p;
  const m = /^(\d+)(ms|s|min|h)$/.exec(p)!;
  return Number(m[1]) * { ms: 1, s: 1000, min: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'min' | 'h'];
}

/** Validates an experiment object; errors name the field and what was expected. */
export function parseExperiment(raw: unknown, file = 'experiment'): Experiment {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError(issue.message, { file, field: issue.path.join('.') });
  }
  const { samplePeriod, ...rest } = r.data;
  // A CSV house's path is relative to the experiment file, so an experiment folder can be moved whole.
  const base = dirname(resolve(file));
  for (const run of rest.runs)
    for (const src of [...run.train, ...run.test])
      if (src.dataset === 'csv') src.path = resolve(base, src.path);
  return { ...rest, periodMs: parsePeriod(samplePeriod) };
}

/** Reads a YAML or JSON experiment file. */
export async function readExperiment(path: string): Promise<Experiment> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError('cannot read the experiment file', { file: path }, { cause });
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new InputError(
      `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { file: path },
      { cause },
    );
  }
  return parseExperiment(raw, path);
}
