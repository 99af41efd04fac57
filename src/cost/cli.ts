/**
 * The cost feature's commands: `loadscope tariffs import|list` (an organisation's prices and
 * grid-intensity profiles) and `loadscope costs` (cost and CO2 per hour, day or month, per channel,
 * meter, facility or zip code).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { outputFormat, parseChoice, parseLimit, parseTime } from '../batch/cli-options.ts';
import { formatRows } from '../batch/format.ts';
import { isoTime } from '../util/csv.ts';
import type { CliContext } from '../cli/context.ts';
import { InputError } from '../errors.ts';
import { COST_LEVELS, COST_PERIODS } from '../store/ports/tariffs.ts';
import { costLine } from './format.ts';
import { importPrices, type PriceFile } from './import.ts';
import { describeTariffs } from './describe.ts';

const TARIFF_COLUMNS = [
  'name',
  'commodity',
  'validFrom',
  'validTo',
  'currency',
  'unit',
  'energy',
  'standingPerDay',
  'demand',
  'carbon',
  'default',
];
const COST_COLUMNS = [
  'key',
  'commodity',
  'label',
  'start',
  'currency',
  'unit',
  'energy',
  'energyCost',
  'standing',
  'demand',
  'cost',
  'co2',
  'meters',
];

/** Registers `loadscope tariffs` and `loadscope costs`. */
export function registerCostCommands(program: Command, ctx: CliContext): void {
  const tariffs = program
    .command('tariffs')
    .description("an organisation's tariffs and grid-intensity profiles");
  tariffs
    .command('import')
    .description(
      'load tariff files (YAML or JSON) and grid-intensity profiles (CSV), then reprice the meters',
    )
    .argument('<files...>', 'tariff files and grid-intensity CSVs (docs/costs.md)')
    .option('--org <id>', 'organisation', 'default')
    .option('--no-reprice', 'store only; costs follow at the next full batch')
    .action(async (paths: string[], o: { org: string; reprice: boolean }) => {
      const files: PriceFile[] = [];
      for (const p of paths) {
        const path = ctx.resolvePath(p);
        const text = await readFile(path, 'utf8').catch((cause: unknown) => {
          throw new InputError('cannot read the file', { file: p }, { cause });
        });
        files.push({ name: p, text });
      }
      const store = await ctx.store();
      if (!(await store.catalog.getOrganisation(o.org)))
        throw new InputError(`no organisation '${o.org}' (see loadscope user list)`, { field: '--org' });
      const r = await importPrices(store, o.org, files, { now: Date.now(), reprice: o.reprice });
      const names = [...new Set(r.tariffs.map((t) => t.name))];
      const regions = [...new Set(r.intensity.map((x) => x.region))];
      ctx.out.write(
        `${o.org}: ${r.tariffs.length} tariff version(s) of ${names.length} tariff(s)` +
          `${names.length ? ` (${names.join(', ')})` : ''}, ${r.intensity.length} grid-intensity value(s)` +
          `${regions.length ? ` for ${regions.join(', ')}` : ''}\n`,
      );
      if (r.pricing) ctx.out.write(costLine(r.pricing));
    });
  tariffs
    .command('list')
    .description("print an organisation's tariff versions")
    .option('--org <id>', 'organisation', 'default')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (o: { org: string; format: string }) => {
      const format = outputFormat(o.format);
      const store = await ctx.store();
      const rows = describeTariffs(await store.tariffs.listTariffs(o.org));
      ctx.out.write(formatRows(rows as unknown as Record<string, unknown>[], TARIFF_COLUMNS, format));
      const regions = new Set((await store.tariffs.listIntensity(o.org)).map((r) => r.region));
      if (format === 'table')
        ctx.out.write(`grid-intensity profiles: ${regions.size ? [...regions].join(', ') : 'none'}\n`);
    });

  program
    .command('costs')
    .description('print cost and CO2 per hour, day or month, per channel, meter, facility or zip code')
    .option('--by <level>', COST_LEVELS.join(', '), 'facility')
    .option('--period <period>', COST_PERIODS.join(', '), 'month')
    .option('--from <time>', 'start (UTC ms or ISO-8601), inclusive')
    .option('--to <time>', 'end (UTC ms or ISO-8601), exclusive')
    .option('--org <id>', 'only this organisation')
    .option('--facility <id>', 'only this facility')
    .option('--meter <id>', 'only this meter')
    .option('--channel <id>', 'only this channel')
    .option('--zip <code>', 'only this zip code')
    .option('--limit <n>', 'maximum rows', '10000')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (o: Record<string, string | undefined>) => {
      const format = outputFormat(o['format'] ?? 'table');
      const store = await ctx.store();
      const rows = await store.tariffs.listCosts({
        level: parseChoice(o['by'] ?? 'facility', COST_LEVELS, '--by'),
        period: parseChoice(o['period'] ?? 'month', COST_PERIODS, '--period'),
        from: parseTime(o['from'], '--from'),
        to: parseTime(o['to'], '--to'),
        orgId: o['org'],
        facilityId: o['facility'],
        meterId: o['meter'],
        channelId: o['channel'],
        zip: o['zip'],
        limit: parseLimit(o['limit'] ?? '10000'),
      });
      const out = rows.map((r) => ({ ...r, start: isoTime(r.start) }));
      ctx.out.write(formatRows(out, COST_COLUMNS, format));
    });
}
