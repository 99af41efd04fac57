/**
 * `loadscope retention ...`: how long each organisation's raw readings and minute aggregates stay in
 * the serving store (`show`, `set`), and a retention run now (`run`): old raw readings to the lake
 * only, old minute rows deleted; hour and day rollups stay for ever.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { InputError } from '../errors.ts';
import type { RetentionState } from '../store/ports/retention.ts';
import { openRetentionLake } from './open.ts';
import { runRetention, runRetentionAll } from './run.ts';

/** Parses a whole number of days given to `option`. */
function daysOption(raw: string | undefined, option: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()))
    throw new InputError(`'${raw}' is not a whole number of days`, { field: option });
  return Number(raw);
}

const day = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().slice(0, 10));

/** One line per organisation: its windows, where the store begins, its last run. */
export function formatRetention(states: RetentionState[]): string {
  const rows = states.map((s) => [
    s.orgId,
    String(s.rawDays),
    String(s.minuteDays),
    day(s.lakeBefore),
    day(s.minutesBefore),
    s.lastRun
      ? `${new Date(s.lastRun.at).toISOString()}: ${s.lastRun.copied} copied, ${s.lastRun.deleted} deleted`
      : 'never',
  ]);
  const head = ['org', 'raw days', 'minute days', 'raw in lake before', 'minutes before', 'last run'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  return (
    [head, ...rows]
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i] as number))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Registers `loadscope retention`. */
export function registerRetentionCommands(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('retention')
    .description(
      'how long raw readings and minute aggregates stay in the store; older raw readings live in the lake',
    );
  cmd
    .command('show')
    .description("each organisation's retention and its last run")
    .option('--org <id>', 'one organisation')
    .option('--json', 'as JSON')
    .action(async (o: { org?: string; json?: boolean }) => {
      const store = await ctx.store();
      const states = o.org === undefined ? await store.retention.list() : [await store.retention.get(o.org)];
      ctx.out.write(o.json ? `${JSON.stringify(states, null, 2)}\n` : formatRetention(states));
    });
  cmd
    .command('set')
    .description("set an organisation's retention (the other value stays as it is)")
    .requiredOption('--org <id>', 'the organisation')
    .option('--raw-days <n>', 'days raw readings stay in the store (default 35)')
    .option('--minute-days <n>', 'days minute aggregates stay in the store (default 400)')
    .action(async (o: { org: string; rawDays?: string; minuteDays?: string }) => {
      const raw = daysOption(o.rawDays, '--raw-days');
      const minutes = daysOption(o.minuteDays, '--minute-days');
      if (raw === undefined && minutes === undefined)
        throw new InputError('give --raw-days, --minute-days or both', { field: '--raw-days' });
      const store = await ctx.store();
      if (!(await store.catalog.getOrganisation(o.org)))
        throw new InputError(`no organisation '${o.org}'`, { field: '--org' });
      const cur = await store.retention.get(o.org);
      const s = await store.retention.set(o.org, {
        rawDays: raw ?? cur.rawDays,
        minuteDays: minutes ?? cur.minuteDays,
      });
      ctx.out.write(formatRetention([s]));
    });
  cmd
    .command('run')
    .description(
      'move raw readings older than the window to the lake (copying what it lacks) and delete old minute rows',
    )
    .option('--org <id>', 'one organisation (default every one)')
    .option('--json', 'print the results as JSON')
    .action(async (o: { org?: string; json?: boolean }) => {
      const store = await ctx.store();
      if (o.org !== undefined && !(await store.catalog.getOrganisation(o.org)))
        throw new InputError(`no organisation '${o.org}'`, { field: '--org' });
      const lake = await openRetentionLake(ctx.config(), store);
      try {
        const deps = {
          store,
          lake,
          now: Date.now,
          signal: ctx.signal,
          log: (l: string) => ctx.err.write(`${l}\n`),
        };
        const results = o.org === undefined ? await runRetentionAll(deps) : [await runRetention(deps, o.org)];
        if (o.json) ctx.out.write(`${JSON.stringify(results, null, 2)}\n`);
        else
          for (const r of results)
            ctx.out.write(
              `${r.orgId}: raw readings before ${day(r.rawBefore)} in the lake only: ${r.copied} copied, ${r.deleted} deleted from the store` +
                `${r.skippedDays ? `, ${r.skippedDays} day(s) left for the next run` : ''}; ${r.minutesDeleted} minute rows before ${day(r.minutesBefore)} deleted\n`,
            );
      } finally {
        await lake.close();
      }
    });
}
