/**
 * `loadscope nilm ...`: `eval EXPERIMENT` scores methods on real data; `train` learns a model from a
 * sub-metered house; `disaggregate` applies a model to a house or facility and stores the results.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { registerNilmModelCommands } from './cli-model.ts';
import { runExperiment } from './evaluate.ts';
import { readExperiment } from './experiment.ts';
import { formatTables, toCsv } from './report.ts';

/** Registers the nilm feature's commands. */
export function registerNilmCommands(program: Command, ctx: CliContext): void {
  const nilm = program
    .command('nilm')
    .description('Non-intrusive load monitoring: evaluate, train, disaggregate');
  nilm
    .command('eval')
    .argument('<experiment>', 'experiment file (YAML or JSON), e.g. experiments/refit-cross-house.yaml')
    .option('--out <dir>', 'folder for results.csv and results.json', 'nilm-results')
    .description('Train and score every method of an experiment; prints a table per method and appliance')
    .action(async (file: string, o: { out: string }) => {
      const exp = await readExperiment(ctx.resolvePath(file));
      const outDir = ctx.resolvePath(o.out);
      const config = ctx.config();
      const result = await runExperiment(
        exp,
        { dataDir: config.sharedDataDir, store: () => ctx.store() },
        (l) => ctx.err.write(`${l}\n`),
      );
      ctx.out.write(formatTables(result, exp.metrics));
      await mkdir(outDir, { recursive: true });
      await writeFile(join(outDir, `${exp.name}.csv`), toCsv(result, exp.metrics));
      await writeFile(join(outDir, `${exp.name}.json`), JSON.stringify(result, null, 2));
      ctx.err.write(`wrote ${join(o.out, `${exp.name}.csv`)} and .json\n`);
    });
  registerNilmModelCommands(nilm, ctx);
}
