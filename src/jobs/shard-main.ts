/**
 * Entry point of a shard process (what a Slurm array task runs):
 *   tsx src/jobs/shard-main.ts <staging dir> [<index>]
 * The index defaults to $SLURM_ARRAY_TASK_ID. Exit code 0 when the output was written.
 */
import { runShard } from './run-shard.ts';

const [dir, indexArg] = process.argv.slice(2);
const index = Number(indexArg ?? process.env['SLURM_ARRAY_TASK_ID']);
if (!dir || !Number.isInteger(index) || index < 0) {
  process.stderr.write('usage: shard-main.ts <staging dir> [<shard index>] (or set SLURM_ARRAY_TASK_ID)\n');
  process.exit(64);
}
const t0 = Date.now();
try {
  await runShard(dir, index, (m) => process.stdout.write(`${new Date().toISOString()} ${m}\n`));
  process.stdout.write(`shard ${index} done in ${Date.now() - t0} ms\n`);
} catch (err) {
  process.stderr.write(
    `shard ${index} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
}
