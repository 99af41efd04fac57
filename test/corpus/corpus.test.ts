/**
 * The standing bad-input corpus of the importers (issue 13): every file listed in manifest.json, and
 * big hostile cases generated here (deep nesting, long lines), is imported into one DuckDB store.
 * Each must end with a clear error naming the file (or the setting to fix) or with its good rows
 * stored and every rejection naming file, line or field; no crash (an error that is not ours) and
 * no hang (a time limit per case). The totals are printed at the end.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadscopeError } from '../../src/errors.ts';
import { importFile } from '../../src/ingest/import-file.ts';
import type { ImportSummary } from '../../src/ingest/types.ts';
import { STORE_FACTORIES, type TestStore } from '../../src/store/contract/factories.ts';
import { espiFeed } from './espi-doc.ts';
import type { CorpusCase } from './manifest.ts';

const ROOT = import.meta.dirname;
const CASE_TIME_LIMIT_MS = 30_000;
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as CorpusCase[];

/** A generated case: the file is written to a temp folder before the import. */
interface GeneratedCase extends CorpusCase {
  body: () => string | Record<string, string>;
}

const T = (m: number): string => new Date(Date.UTC(2024, 0, 1, 0, m)).toISOString();
const LONG = 'x'.repeat((1 << 20) + 10);
/** A file of `header` and three rows, the middle one over the line limit. */
const longLine = (header: string, row: (i: number) => string): string =>
  [header, row(0), row(1) + LONG, row(2)].join('\n') + '\n';
const lineCase = (
  name: string,
  format: CorpusCase['format'],
  body: string,
  stored: number,
  options: CorpusCase['options'] = {},
): GeneratedCase => ({
  file: `${format}/${name}`,
  format,
  options: { format, ...options },
  stored,
  reasons: { 'line-too-long': 1 },
  body: () => body,
});

const GENERATED: GeneratedCase[] = [
  {
    file: 'greenbutton/nested-40000.xml',
    format: 'greenbutton',
    error: { code: 'INPUT_INVALID', match: 'nested deeper than 64 levels' },
    body: () => espiFeed({ blockExtra: '<x>'.repeat(40_000) + '</x>'.repeat(40_000) }),
  },
  {
    file: 'greenbutton/text-2mib.xml',
    format: 'greenbutton',
    error: { code: 'INPUT_INVALID', match: "an element's text is longer than" },
    body: () => espiFeed({ values: [1, '7'.repeat(2 << 20)] }),
  },
  {
    file: 'greenbutton/wide-not-deep.xml',
    format: 'greenbutton',
    stored: 3,
    body: () => espiFeed({ blockExtra: '<x/>'.repeat(200_000) }),
  },
  {
    file: 'utilityapi-json/nested-100000.json',
    format: 'utilityapi-json',
    error: { code: 'INPUT_INVALID', match: 'JSON nested deeper than 64 levels at line 1' },
    body: () => '{"intervals":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}',
  },
  {
    file: 'utilityapi-json/nested-in-string-ok.json',
    format: 'utilityapi-json',
    stored: 1,
    body: () =>
      JSON.stringify({
        meta: { note: '['.repeat(100_000) },
        intervals: [{ readings: [{ start: T(0), end: T(15), kwh: 1 }] }],
      }),
  },
  lineCase(
    'long-line.csv',
    'csv-long',
    longLine('meter,channel,timestamp,value,unit', (i) => `m,mains,${T(i)},1,W`),
    2,
  ),
  lineCase(
    'long-line.csv',
    'csv-wide',
    longLine('timestamp,mains', (i) => `${T(i)},1`),
    2,
    { unit: 'W' },
  ),
  lineCase(
    'long-line.csv',
    'refit',
    longLine('Time,Aggregate', (i) => `2014-01-01 00:00:${10 + i * 10},1`),
    2,
  ),
  lineCase(
    'long-line.csv',
    'ampds',
    longLine('TimeStamp,M_E', (i) => `${1333263600 + i * 60},1`),
    2,
  ),
  lineCase(
    'long-line.csv',
    'redd',
    longLine('datetime,1 mains', (i) => `2011-04-18 09:22:0${i},1`),
    2,
  ),
  lineCase(
    'long-line.csv',
    'redd-relative',
    longLine('seconds,mains', (i) => `${i},1`),
    2,
    { start: '2011-04-16T00:00:00' },
  ),
  lineCase(
    'long-line.csv',
    'utilityapi-csv',
    longLine('interval_start,interval_end,interval_kWh', (i) => `${T(i * 15)},${T(i * 15 + 15)},1`),
    2,
  ),
  {
    file: 'redd-low-freq/house_long',
    format: 'redd-low-freq',
    options: { format: 'redd-low-freq' },
    stored: 2,
    reasons: { 'line-too-long': 1 },
    body: () => ({
      'labels.dat': '1 mains\n',
      'channel_1.dat': `1303132929 1\n1303132930 ${LONG}\n1303132931 3\n`,
    }),
  },
  {
    file: 'csv-long/long-header.csv',
    format: 'csv-long',
    error: { code: 'INPUT_INVALID', match: 'line 1 is' },
    body: () => `meter,channel,timestamp,value,unit${LONG}\n`,
  },
];

type Outcome = 'clear-error' | 'imported' | 'unclear' | 'crash' | 'hang';
const tally: { file: string; outcome: Outcome; stored: number }[] = [];

describe('bad-input corpus of the importers (duckdb)', () => {
  let t: TestStore;
  let tmp: string;
  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    tmp = await mkdtemp(join(tmpdir(), 'loadscope-corpus-'));
  });
  afterAll(async () => {
    const count = (o: Outcome): number => tally.filter((x) => x.outcome === o).length;
    console.log(
      `corpus: ${tally.length} cases; ${count('clear-error')} clear errors; ${count('imported')} imported with ` +
        `${tally.reduce((a, x) => a + x.stored, 0)} good readings kept; ${count('unclear')} unclear; ` +
        `${count('crash')} crashes; ${count('hang')} hangs`,
    );
    await t?.destroy();
    await rm(tmp, { recursive: true, force: true });
  });

  it('has at least 150 cases across every importer', () => {
    expect(MANIFEST.length + GENERATED.length).toBeGreaterThanOrEqual(150);
    const formats = new Set([...MANIFEST, ...GENERATED].map((c) => c.format));
    expect([...formats].sort()).toEqual(
      [
        'ampds',
        'csv-long',
        'csv-wide',
        'greenbutton',
        'redd',
        'redd-low-freq',
        'redd-relative',
        'refit',
        'utilityapi-csv',
        'utilityapi-json',
      ].sort(),
    );
  });

  const all: (CorpusCase & { body?: GeneratedCase['body'] })[] = [...MANIFEST, ...GENERATED];
  all.forEach((c, i) => {
    it(c.file + (c.body ? ' (generated)' : ''), async () => {
      let path = join(ROOT, c.file);
      if (c.body) {
        path = join(tmp, c.file);
        const body = c.body();
        if (typeof body === 'string') {
          await mkdir(join(path, '..'), { recursive: true });
          await writeFile(path, body);
        } else {
          await mkdir(path, { recursive: true });
          for (const [n, text] of Object.entries(body)) await writeFile(join(path, n), text);
        }
      }
      const run = importFile(t.store, {
        path,
        org: `corpus-${i}`,
        facility: `corpus-${i}`,
        quarantineDir: join(tmp, 'q'),
        ...c.options,
      });
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<'hang'>((r) => (timer = setTimeout(() => r('hang'), CASE_TIME_LIMIT_MS)));
      const result = await Promise.race([
        run.then(
          (s) => ({ s }),
          (err: unknown) => ({ err }),
        ),
        hang,
      ]);
      clearTimeout(timer);
      if (result === 'hang') {
        tally.push({ file: c.file, outcome: 'hang', stored: 0 });
        expect.fail(`${c.file}: no result within ${CASE_TIME_LIMIT_MS} ms`);
      }
      if ('err' in result) {
        const err = result.err;
        if (!(err instanceof LoadscopeError)) {
          tally.push({ file: c.file, outcome: 'crash', stored: 0 });
          expect.fail(`${c.file}: crashed with ${String(err)}`);
        }
        // A file error names the file; a configuration error names the setting to fix.
        const clear =
          err.code === 'CONFIG_INVALID' ? /^--[a-z-]+: /.test(err.message) : err.message.includes(path);
        tally.push({ file: c.file, outcome: clear ? 'clear-error' : 'unclear', stored: 0 });
        expect(c.error, `${c.file} failed unexpectedly: ${err.message}`).toBeDefined();
        expect(err.code).toBe(c.error!.code);
        expect(err.message).toContain(c.error!.match);
        expect(clear, err.message).toBe(true);
        return;
      }
      const s: ImportSummary = result.s;
      tally.push({ file: c.file, outcome: 'imported', stored: s.stored });
      expect(c.error, `${c.file} imported but should fail with ${c.error?.match}`).toBeUndefined();
      const reasons = Object.fromEntries(Object.entries(s.byReason).map(([k, v]) => [k, v.count]));
      expect(reasons).toEqual(c.reasons ?? {});
      const skipped = Object.fromEntries(Object.entries(s.skipped ?? {}).map(([k, v]) => [k, v.count]));
      expect(skipped).toEqual(c.skipped ?? {});
      if (c.storedAtLeast !== undefined) expect(s.stored).toBeGreaterThanOrEqual(c.storedAtLeast);
      else expect(s.stored).toBe(c.stored);
      for (const g of Object.values(s.byReason))
        for (const r of g.examples) {
          expect(r.file.startsWith(path), r.file).toBe(true);
          // A missing channel file is named by its path: there is no line or field to name.
          expect(r.line > 0 || r.field !== '' || r.reason === 'missing-file', JSON.stringify(r)).toBe(true);
          expect(r.message.length).toBeGreaterThan(0);
        }
    });
  });
});
