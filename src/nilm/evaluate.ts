/** Runs an experiment: load, train every method per run, disaggregate every test house, score. */
import { InputError } from '../errors.ts';
import type { Experiment } from './experiment.ts';
import { type LoadContext, loadSource } from './data/source.ts';
import { type ApplianceScore, scoreAppliances } from './metrics.ts';
import { METHODS } from './methods/registry.ts';
import type { HouseSeries, MissingReport } from './types.ts';

/** Scores of one method on one test house. */
export interface MethodResult {
  method: string;
  test: string;
  trainSeconds: number;
  disaggregateSeconds: number;
  scores: Record<string, ApplianceScore>;
}

/** An appliance of the experiment that a house does not have (or has no value for in the range). */
export interface MissingAppliance {
  house: string;
  role: 'train' | 'test';
  appliance: string;
  /** `absent`: no such channel; `no-data`: a channel without one value in the range. */
  reason: 'absent' | 'no-data';
}

/** Results of one run (train set vs test set). */
export interface RunResult {
  name: string;
  /** Appliances left out per house; a test house is not scored on them. */
  missingAppliances: MissingAppliance[];
  train: { name: string; missing: MissingReport }[];
  test: { name: string; missing: MissingReport }[];
  results: MethodResult[];
}

/** Results of a whole experiment. */
export interface ExperimentResult {
  experiment: string;
  periodMs: number;
  appliances: string[];
  at: string;
  runs: RunResult[];
}

/** The experiment's appliances that `h` lacks. */
export function findMissingAppliances(
  h: HouseSeries,
  role: MissingAppliance['role'],
  appliances: readonly string[],
): MissingAppliance[] {
  const out: MissingAppliance[] = [];
  for (const appliance of appliances) {
    const s = h.appliances[appliance];
    if (!s) out.push({ house: h.name, role, appliance, reason: 'absent' });
    else if (s.every((v) => Number.isNaN(v))) out.push({ house: h.name, role, appliance, reason: 'no-data' });
  }
  return out;
}

/** One line naming what is missing where, what the house has instead, and what happens. */
function describeMissing(m: MissingAppliance, h: HouseSeries): string {
  const has = Object.keys(h.appliances).join(', ') || 'no appliance channels';
  const what =
    m.reason === 'absent'
      ? `${m.role} house ${m.house} has no '${m.appliance}' (it has ${has})`
      : `${m.role} house ${m.house} has no value of '${m.appliance}' in the range`;
  return m.role === 'test' ? `${what}; not scored there` : `${what}; trained on the other houses`;
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

/** Runs every run of the experiment; `log` gets one progress line per step. */
export async function runExperiment(
  exp: Experiment,
  ctx: LoadContext,
  log: (line: string) => void = () => undefined,
): Promise<ExperimentResult> {
  const runs: RunResult[] = [];
  for (const run of exp.runs) {
    const load = async (srcs: typeof run.train): Promise<HouseSeries[]> => {
      const out: HouseSeries[] = [];
      for (const s of srcs) {
        const h = await loadSource(s, exp.periodMs, ctx);
        log(
          `${run.name}: loaded ${h.name}: ${h.length} samples, mains missing ${h.missing.mainsMissing} (${h.missing.zeroFilled} zero-filled in the source)`,
        );
        out.push(h);
      }
      return out;
    };
    const train = await load(run.train);
    const test = await load(run.test);
    const missingAppliances: MissingAppliance[] = [];
    for (const [role, houses] of [
      ['train', train],
      ['test', test],
    ] as const)
      for (const h of houses)
        for (const m of findMissingAppliances(h, role, exp.appliances)) {
          const line = `${run.name}: ${describeMissing(m, h)}`;
          if (exp.missingAppliance === 'fail')
            throw new InputError(`${line} (missingAppliance: fail; use 'warn' to go on without it)`, {
              source: h.name,
              field: 'appliances',
            });
          log(`warning: ${line}`);
          missingAppliances.push(m);
        }
    const results: MethodResult[] = [];
    for (const name of exp.methods) {
      const method = METHODS[name];
      let t = process.hrtime.bigint();
      const model = method.train(train, exp.appliances);
      const trainSeconds = seconds(t);
      for (const h of test) {
        t = process.hrtime.bigint();
        const d = method.disaggregate(model, h.mains);
        const disaggregateSeconds = seconds(t);
        const truth: Record<string, Float64Array> = {};
        for (const a of exp.appliances) if (h.appliances[a]) truth[a] = h.appliances[a];
        results.push({
          method: name,
          test: h.name,
          trainSeconds,
          disaggregateSeconds,
          scores: scoreAppliances(truth, d.appliances, h.mains, exp.periodMs, exp.onThreshold),
        });
        log(
          `${run.name}: ${name} trained in ${trainSeconds.toFixed(2)} s, disaggregated ${h.name} in ${disaggregateSeconds.toFixed(2)} s`,
        );
      }
    }
    runs.push({
      name: run.name,
      missingAppliances,
      train: train.map((h) => ({ name: h.name, missing: h.missing })),
      test: test.map((h) => ({ name: h.name, missing: h.missing })),
      results,
    });
  }
  return {
    experiment: exp.name,
    periodMs: exp.periodMs,
    appliances: exp.appliances,
    at: new Date().toISOString(),
    runs,
  };
}
