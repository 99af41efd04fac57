/** `loadscope nilm train` and `loadscope nilm disaggregate`: models and stored per-facility results. */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { applianceKey } from '../domain/appliances.ts';
import { InputError } from '../errors.ts';
import { loadSource } from './data/source.ts';
import { findMissingAppliances } from './evaluate.ts';
import { type HouseSource, parsePeriod } from './experiment.ts';
import { getMethod, METHOD_NAMES } from './methods/registry.ts';
import { applianceSeries, dailyEnergy, inventory } from './results.ts';
import type { NilmModel } from './types.ts';

interface SourceOpts {
  dataset?: string;
  house?: string;
  facility?: string;
  from: string;
  to: string;
}

function sourceFrom(o: SourceOpts): HouseSource {
  for (const k of ['from', 'to'] as const)
    if (Number.isNaN(Date.parse(o[k])))
      throw new InputError(`expected an ISO-8601 date, got '${o[k]}'`, { field: `--${k}` });
  if (o.facility && !o.dataset) return { dataset: 'store', facility: o.facility, from: o.from, to: o.to };
  if (o.dataset === 'refit') {
    const house = Number(o.house);
    if (!Number.isInteger(house))
      throw new InputError(`expected a REFIT house number, got '${o.house ?? ''}'`, { field: '--house' });
    return { dataset: 'refit', house, from: o.from, to: o.to };
  }
  if (o.dataset === 'ampds') return { dataset: 'ampds', from: o.from, to: o.to };
  throw new InputError(`expected --facility ID (store) or --dataset refit|ampds, got '${o.dataset ?? ''}'`, {
    field: '--dataset',
  });
}

const sourceOptions = (c: Command): Command =>
  c
    .option('--dataset <name>', 'refit or ampds (default: the store, with --facility)')
    .option('--house <n>', 'REFIT house number')
    .option('--facility <id>', 'facility whose channels to read from the store')
    .requiredOption('--from <date>', 'start, ISO-8601 (inclusive)')
    .requiredOption('--to <date>', 'end, ISO-8601 (exclusive)')
    .option('--period <p>', 'sample period, e.g. 30s, 3s, 1min', '30s');

/** Registers `nilm train` and `nilm disaggregate` under `nilm`. */
export function registerNilmModelCommands(nilm: Command, ctx: CliContext): void {
  sourceOptions(nilm.command('train'))
    .description('Learn a model from sub-metered data and store it (and optionally write it as JSON)')
    .option('--method <name>', `one of ${METHOD_NAMES.join(', ')}`, 'eventsig')
    .requiredOption('--appliances <list>', 'comma-separated, e.g. kettle,microwave')
    .option('--id <id>', 'model id (default: random)')
    .option('--for-facility <id>', 'facility the model is meant for (default: shared)')
    .option('--out <file>', 'also write the model as JSON')
    .action(
      async (
        o: SourceOpts & {
          period: string;
          method: string;
          appliances: string;
          id?: string;
          forFacility?: string;
          out?: string;
        },
      ) => {
        const method = getMethod(o.method);
        if (!method)
          throw new InputError(`expected one of ${METHOD_NAMES.join(', ')}, got '${o.method}'`, {
            field: '--method',
          });
        const src = sourceFrom(o);
        const house = await loadSource(src, parsePeriod(o.period), {
          dataDir: ctx.config().sharedDataDir,
          store: () => ctx.store(),
        });
        const appliances = o.appliances.split(',').map(applianceKey);
        for (const m of findMissingAppliances(house, 'train', appliances))
          ctx.err.write(
            `warning: ${house.name} has ${m.reason === 'absent' ? 'no' : 'no value of'} '${m.appliance}'; the model learns nothing for it\n`,
          );
        const model = method.train([house], appliances);
        const id = o.id ?? randomUUID();
        await (
          await ctx.store()
        ).nilm.saveModel({
          id,
          facilityId: o.forFacility ?? null,
          method: method.name,
          trainedOn: house.name,
          trainedAt: Date.now(),
          model,
        });
        if (o.out) await writeFile(ctx.resolvePath(o.out), JSON.stringify(model));
        ctx.out.write(
          `model ${id}: ${method.name} on ${house.name} (${house.missing.mainsMissing} of ${house.length} mains samples missing)\n`,
        );
      },
    );

  sourceOptions(nilm.command('disaggregate'))
    .description('Disaggregate a facility (or a data set house) and store series, daily energy and inventory')
    .option('--model <id>', 'stored model id')
    .option('--model-file <file>', 'model JSON written by nilm train --out')
    .option('--as-facility <id>', 'facility id the results are stored under (default: --facility)')
    .option('--time-zone <tz>', "time zone of the days (default: the facility's, else UTC)")
    .option('--series-period <p>', 'period of the stored appliance series', '1min')
    .action(
      async (
        o: SourceOpts & {
          period: string;
          model?: string;
          modelFile?: string;
          asFacility?: string;
          timeZone?: string;
          seriesPeriod: string;
        },
      ) => {
        const store = await ctx.store();
        let model: NilmModel;
        let modelId: string;
        if (o.model) {
          const stored = await store.nilm.getModel(o.model);
          if (!stored) throw new InputError(`no stored model '${o.model}'`, { field: '--model' });
          model = stored.model;
          modelId = stored.id;
        } else if (o.modelFile) {
          model = JSON.parse(await readFile(ctx.resolvePath(o.modelFile), 'utf8')) as NilmModel;
          modelId = o.modelFile;
        } else throw new InputError('expected --model ID or --model-file FILE', { field: '--model' });
        const method = getMethod(model.method);
        if (!method)
          throw new InputError(`the model's method '${model.method}' is unknown`, { field: 'method' });
        const facilityId = o.asFacility ?? o.facility;
        if (!facilityId)
          throw new InputError('expected --as-facility ID to store the results under', {
            field: '--as-facility',
          });
        const house = await loadSource(sourceFrom(o), model.periodMs, {
          dataDir: ctx.config().sharedDataDir,
          store: () => Promise.resolve(store),
        });
        const d = method.disaggregate(model, house.mains);
        const timeZone = o.timeZone ?? (await store.catalog.getFacility(facilityId))?.timeZone ?? 'UTC';
        await store.nilm.writeSeries(applianceSeries(d, house.t0, facilityId, parsePeriod(o.seriesPeriod)));
        const days = dailyEnergy(d, house.t0, facilityId, timeZone, modelId);
        await store.nilm.upsertDailyEnergy(days);
        const inv = inventory(d, facilityId, modelId, Date.now());
        await store.nilm.replaceInventory(facilityId, inv);
        ctx.out.write(
          `${facilityId}: ${days.length} appliance-days stored; inventory: ${inv.map((i) => `${i.appliance} ${(100 * i.confidence).toFixed(0)} %`).join(', ') || 'none'}\n`,
        );
      },
    );
}
