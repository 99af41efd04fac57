/** Runs an experiment: load, train every method per run, disaggregate every test house, score. */
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

/** Results of one run (train set vs test set). */
export interface RunResult {
  name: string;
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
