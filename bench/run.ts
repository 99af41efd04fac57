/**
 * `npm run bench [-- --quick] [-- --only NAME]`: runs every bench/*.bench.ts, prints a table per bench
 * and writes bench/results/latest.json.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchRow } from './harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;

const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
const results: Record<string, BenchRow[] | { error: string }> = {};
for (const file of files) {
  // Filter on the file name before importing, so one broken bench does not stop the others.
  if (only && !file.includes(only)) continue;
  const bench = ((await import(join(here, file))) as { default: Bench }).default;
  const tmpDir = await mkdtemp(join(tmpdir(), `loadscope-bench-${bench.name}-`));
  process.stderr.write(`\n== ${bench.name} (${file})\n`);
  try {
    const rows = await bench.run({ quick, tmpDir, log: (l) => process.stderr.write(`   ${l}\n`) });
    results[bench.name] = rows;
    for (const r of rows) {
      const ratio =
        r.ratio === undefined
          ? ''
          : `  ratio ${r.ratio.toFixed(2)}${r.baseline ? ` vs ${r.baseline.name} (${fmt(r.baseline.value)})` : ''}`;
      const goal = r.goal
        ? `  goal: ${r.goal} -> ${r.met === undefined ? '?' : r.met ? 'met' : 'NOT met'}`
        : '';
      process.stdout.write(
        `${bench.name.padEnd(10)} ${r.name.padEnd(52)} ${fmt(r.value).padStart(12)} ${r.unit}${ratio}${goal}\n`,
      );
    }
  } catch (err) {
    results[bench.name] = { error: err instanceof Error ? err.message : String(err) };
    process.stdout.write(`${bench.name}: FAILED ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}
// Merged into the previous results, so that running one bench (--only) keeps the others' latest figures.
type Saved = { results?: Record<string, unknown>; at?: Record<string, string> };
await mkdir(join(here, 'results'), { recursive: true });
const file = join(here, 'results', quick ? 'latest-quick.json' : 'latest.json');
const previous: Saved = await readFile(file, 'utf8').then(
  (t) => JSON.parse(t) as Saved,
  () => ({}),
);
const at = Object.fromEntries(Object.keys(results).map((k) => [k, new Date().toISOString()]));
const previousAt = previous.at && typeof previous.at === 'object' ? previous.at : {};
await writeFile(
  file,
  JSON.stringify(
    { quick, at: { ...previousAt, ...at }, results: { ...previous.results, ...results } },
    null,
    2,
  ),
);

function fmt(v: number): string {
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(4);
}
