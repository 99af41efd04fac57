import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { InputError } from '../errors.ts';
import { createProductRegistry } from '../scoring/registry.ts';
import { createScoreTask } from '../scoring/score-task.ts';
import { createStoreScoringSources } from '../scoring/sources.ts';
import { createJobService } from './job-service.ts';
import { createNilmTask } from './nilm/nilm-task.ts';
import type { JobProgress } from './run-job.ts';
import { EXECUTOR_KINDS, type ExecutorKind } from './types.ts';

/** Registers `loadscope job ...`, `loadscope score ...` and `loadscope products`. */
export function registerJobCommands(program: Command, ctx: CliContext): void {
  const job = program.command('job').description('run analyses as sharded jobs, locally or on Slurm');
  registerJobRun(job, ctx);
  registerJobInspection(job, ctx);
  registerScoreCommands(program, ctx);
}

/** `loadscope job run <product | nilm>`: the job on the chosen executor, with progress, then the top scores. */
function registerJobRun(job: Command, ctx: CliContext): void {
  job
    .command('run <what>')
    .description(
      'score facilities with an analytic product (see `loadscope products`), or `nilm` to disaggregate them with a stored model',
    )
    .requiredOption('--org <id>', 'organisation whose facilities are processed')
    .option('--facilities <ids>', 'comma-separated facility ids (default: all of the organisation)')
    .option('--executor <kind>', 'local or slurm (default: LOADSCOPE_EXECUTOR or local)')
    .option('--shards <n>', 'number of shards', '4')
    .option('--params <json>', 'product parameters as JSON, e.g. \'{"flatnessMid":0.5}\'')
    .option('--model <id>', 'NILM model id (for `nilm`; see `loadscope nilm train`)')
    .option('--from <date>', 'start of the period (ISO date; default a year before --to for products)')
    .option('--to <date>', 'end of the period (ISO date; default now)')
    .option('--products-dir <dir>', 'folder of custom products (env LOADSCOPE_PRODUCTS_DIR)')
    .action(async (what: string, o: RunOptions) => {
      const config = ctx.config();
      const store = await ctx.store();
      const registry = await createProductRegistry({
        customDir: o.productsDir ? ctx.resolvePath(o.productsDir) : config.productsDir,
      });
      const nilm = what === 'nilm';
      if (!nilm) registry.getOrThrow(what);
      const executor = parseExecutor(o.executor ?? config.jobs.executor);
      const service = createJobService({
        store,
        config,
        tasks: {
          score: createScoreTask({ registry, sources: createStoreScoringSources() }),
          nilm: createNilmTask(),
        },
      });
      const facilityIds = o.facilities
        ? {
            facilityIds: o.facilities
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          }
        : {};
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      ctx.signal.addEventListener('abort', onSigint, { once: true });
      const progress = progressReporter(ctx.err);
      try {
        const request = jobRequest(what, o, facilityIds);
        const result = await service.run(
          { orgId: o.org, shards: parsePositive(o.shards, 'shards'), ...request },
          { executor, onProgress: progress.update, signal: controller.signal },
        );
        progress.stop();
        ctx.out.write(
          `job ${result.id}: ${result.state}, ${result.shardsDone}/${result.shards} shard(s) on ${result.executor}${result.error ? ` (${result.error})` : ''}\n`,
        );
        if (!nilm) {
          const top = await store.scores.ranking(what, { ...facilityIds, limit: 10 });
          for (const s of top)
            ctx.out.write(`  ${scoreText(s.score).padStart(5)}  ${s.facilityId.padEnd(28)} ${s.label}\n`);
        }
        if (result.state !== 'succeeded') ctx.setExitCode(1);
      } finally {
        progress.stop();
        ctx.signal.removeEventListener('abort', onSigint);
      }
    });
}

/** What `job run` asks the job service for: a product's scores, or a NILM disaggregation. */
function jobRequest(what: string, o: RunOptions, facilityIds: { facilityIds?: string[] }) {
  return what === 'nilm'
    ? {
        kind: 'nilm' as const,
        target: o.model ?? '',
        params: {
          modelId: requireModel(o.model),
          from: parseDate(requireOpt(o.from, 'from'), 'from'),
          to: parseDate(requireOpt(o.to, 'to'), 'to'),
          ...facilityIds,
        },
      }
    : {
        kind: 'score' as const,
        target: what,
        params: {
          product: what,
          productParams: o.params ? parseJson(o.params, 'params') : {},
          ...facilityIds,
          ...(o.from ? { from: parseDate(o.from, 'from') } : {}),
          ...(o.to ? { to: parseDate(o.to, 'to') } : {}),
        },
      };
}

/** `loadscope job list` and `loadscope job show <id>`. */
function registerJobInspection(job: Command, ctx: CliContext): void {
  job
    .command('list')
    .description('jobs, newest first')
    .option('--org <id>', 'only this organisation')
    .action(async (o: { org?: string }) => {
      const store = await ctx.store();
      for (const j of await store.jobs.listJobs({ ...(o.org ? { orgId: o.org } : {}), limit: 50 })) {
        ctx.out.write(
          `${j.id}  ${j.kind.padEnd(6)} ${j.target.padEnd(20)} ${j.executor.padEnd(6)} ${j.state.padEnd(10)} ${j.shardsDone}/${j.shards}\n`,
        );
      }
    });
  job
    .command('show <id>')
    .description('a job with its shards and log')
    .action(async (id: string) => {
      const store = await ctx.store();
      const j = await store.jobs.getJob(id);
      if (!j) throw new InputError(`no job '${id}'`, { field: 'id' });
      ctx.out.write(`${JSON.stringify(j, null, 2)}\n`);
      for (const s of await store.jobs.listShards(id))
        ctx.out.write(
          `shard ${s.index}: ${s.state} after ${s.attempts} attempt(s) ${s.label}${s.error ? ` — ${s.error}` : ''}\n`,
        );
      for (const l of await store.jobs.listLogs(id))
        ctx.out.write(
          `${new Date(l.ts).toISOString()} ${l.level.padEnd(5)} ${l.shard ?? '-'} ${l.message}\n`,
        );
    });
}

/** `loadscope score rank|show` and `loadscope products`. */
function registerScoreCommands(program: Command, ctx: CliContext): void {
  const score = program.command('score').description('read scores of analytic products');
  score
    .command('rank <product>')
    .description('facilities ranked by their newest score of a product')
    .option('--limit <n>', 'rows', '20')
    .action(async (product: string, o: { limit: string }) => {
      const store = await ctx.store();
      for (const s of await store.scores.ranking(product, { limit: parsePositive(o.limit, 'limit') })) {
        ctx.out.write(
          `${scoreText(s.score).padStart(5)}  ${s.facilityId.padEnd(28)} ${s.label.padEnd(26)} ${s.explanation}\n`,
        );
      }
    });
  score
    .command('show <facility>')
    .description("a facility's newest score per product, with explanations")
    .action(async (facility: string) => {
      const store = await ctx.store();
      for (const s of await store.scores.latestForFacility(facility)) {
        ctx.out.write(`${s.product}@${s.version}: ${scoreText(s.score)} ${s.label}\n  ${s.explanation}\n`);
      }
    });
  program
    .command('products')
    .description('analytic products available (built-in and custom)')
    .option('--products-dir <dir>', 'folder of custom products')
    .action(async (o: { productsDir?: string }) => {
      const registry = await createProductRegistry({
        customDir: o.productsDir ? ctx.resolvePath(o.productsDir) : ctx.config().productsDir,
      });
      for (const r of registry.list()) {
        ctx.out.write(
          `${r.product.name}@${r.product.version} (${r.type}${r.type === 'code' && r.module ? `, ${r.module}` : ''})\n  ${r.product.title}: ${r.product.description}\n`,
        );
      }
    });
}

function progressReporter(err: NodeJS.WritableStream): { update: JobProgress; stop: () => void } {
  const tty = (err as NodeJS.WriteStream).isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let stopped = false;
  return {
    update({ done, failed, total, message }) {
      if (stopped) return;
      if (tty) {
        bar ??= new cliProgress.SingleBar(
          { format: 'shards {bar} {value}/{total} {msg}', stream: err },
          cliProgress.Presets.shades_classic,
        );
        if (!bar.isActive) bar.start(total, done, { msg: '' });
        bar.update(done, { msg: failed ? `${failed} failed` : '' });
      } else {
        err.write(
          `shards done ${done}/${total}${failed ? `, ${failed} failed` : ''}${message ? `: ${message}` : ''}\n`,
        );
      }
    },
    stop() {
      stopped = true;
      bar?.stop();
    },
  };
}

function parseExecutor(v: string): ExecutorKind {
  if (!(EXECUTOR_KINDS as readonly string[]).includes(v))
    throw new InputError(`expected one of ${EXECUTOR_KINDS.join(', ')}, got '${v}'`, { field: '--executor' });
  return v as ExecutorKind;
}

function parsePositive(v: string, field: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(`expected a whole number of at least 1, got '${v}'`, { field: `--${field}` });
  return n;
}

function parseJson(v: string, field: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(v) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below with the field name.
  }
  throw new InputError(`expected a JSON object, got '${v}'`, { field: `--${field}` });
}

function parseDate(v: string, field: string): number {
  const t = Date.parse(v);
  if (!Number.isFinite(t))
    throw new InputError(`expected an ISO date such as 2024-01-31, got '${v}'`, { field: `--${field}` });
  return t;
}

interface RunOptions {
  org: string;
  facilities?: string;
  executor?: string;
  shards: string;
  params?: string;
  model?: string;
  from?: string;
  to?: string;
  productsDir?: string;
}

function requireModel(model: string | undefined): string {
  if (!model)
    throw new InputError('`job run nilm` needs the model to use (see `loadscope nilm train`)', {
      field: '--model',
    });
  return model;
}

function requireOpt(v: string | undefined, field: string): string {
  if (!v) throw new InputError('`job run nilm` needs the period to disaggregate', { field: `--${field}` });
  return v;
}

/** A score with one decimal, or a dash for a facility without enough data (its label says so). */
function scoreText(score: number | null): string {
  return score === null ? '–' : score.toFixed(1);
}
