/**
 * Hostile files (issue 13, items 1-5): deep XML and JSON nesting, very long lines, values that
 * overflow to Infinity after unit scaling, and a wide CSV without a header. Each gets a clear error
 * naming the file and where, or a rejection with a reason while the good rows land.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { espiFeed } from '../../test/corpus/espi-doc.ts';
import { InputError } from '../errors.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { importFile } from './import-file.ts';
import { LineSplitter } from './lines.ts';
import type { ImportOptions, ImportSummary } from './types.ts';

const duckdb = STORE_FACTORIES.find((f) => f.kind === 'duckdb')!;
const reasons = (s: ImportSummary): Record<string, number> =>
  Object.fromEntries(Object.entries(s.byReason).map(([k, v]) => [k, v.count]));

/**
 * Bytes copied while one `mb`-MiB line is fed in 1 MiB chunks: every Buffer.concat and Buffer.from is
 * counted. Counting copies instead of timing keeps the check exact on a loaded machine; the timing
 * ratio is in bench/long-lines.ts.
 */
function bytesCopied(mb: number): number {
  const chunk = Buffer.alloc(1 << 20, 0x31);
  let copied = 0;
  const concat = vi.spyOn(Buffer, 'concat').mockImplementation((list, total) => {
    const out = realConcat(list, total);
    copied += out.length;
    return out;
  });
  const from = vi.spyOn(Buffer, 'from');
  from.mockImplementation(((...args: Parameters<typeof Buffer.from>) => {
    const out = realFrom(...(args as [string]));
    copied += out.length;
    return out;
  }) as typeof Buffer.from);
  try {
    const sp = new LineSplitter();
    sp.maxLineBytes = Number.MAX_SAFE_INTEGER;
    let got = 0;
    for (let i = 0; i < mb; i++) sp.push(chunk, () => got++);
    sp.end((_b, s, e) => (got = e - s));
    expect(got).toBe(mb << 20);
  } finally {
    concat.mockRestore();
    from.mockRestore();
  }
  return copied;
}
const realConcat = Buffer.concat.bind(Buffer);
const realFrom = Buffer.from.bind(Buffer) as (...a: [string]) => Buffer;

describe('line reading', () => {
  it('copies a long line a bounded number of times (linear), not once per chunk (quadratic)', () => {
    const line = 64 << 20;
    // The old reader joined the line at every chunk: 1 + 2 + ... + 64 MiB copied, 32 times the line.
    expect(bytesCopied(64) / line).toBeLessThanOrEqual(2);
  });

  it('reports a line over the limit by number and skips its bytes; the lines around it still come', () => {
    const sp = new LineSplitter();
    sp.maxLineBytes = 10;
    const lines: string[] = [];
    const long: [number, number][] = [];
    const onLine = (b: Buffer, s: number, e: number, n: number): void => {
      lines.push(`${n}:${b.toString('utf8', s, e)}`);
    };
    const onLong = (n: number, bytes: number): void => {
      long.push([n, bytes]);
    };
    sp.push(Buffer.from('a,1\r\nbbbbbb'), onLine, onLong);
    sp.push(Buffer.from('bbbbbbbbbbbbbbbbb'), onLine, onLong);
    sp.push(Buffer.from('bb\nc,3\nxxxxxxxxxxxxxxxx'), onLine, onLong);
    sp.end(onLine, onLong);
    expect(lines).toEqual(['1:a,1', '3:c,3']);
    expect(long).toEqual([
      [2, 25],
      [4, 16],
    ]);
  });
});

describe('hostile files (duckdb)', () => {
  let t: TestStore;
  let dir: string;
  const put = async (name: string, body: string | Buffer): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, body);
    return path;
  };
  const run = (path: string, o: Partial<ImportOptions> = {}): Promise<ImportSummary> =>
    importFile(t.store, { path, quarantineDir: join(dir, 'q'), ...o });
  const failure = async (p: Promise<unknown>): Promise<InputError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  };
  beforeAll(async () => {
    t = await duckdb.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-hostile-'));
  });
  afterAll(async () => {
    await t?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('a 20 MB line in a long CSV is rejected as line-too-long by number; the other rows land', async () => {
    const path = await put(
      'long-line.csv',
      [
        'meter,channel,timestamp,value,unit',
        'm,mains,2024-01-01T00:00:00Z,1,W',
        'm,mains,2024-01-01T00:01:00Z,' + '9'.repeat(20 << 20) + ',W',
        'm,mains,2024-01-01T00:02:00Z,3,W',
        '',
      ].join('\n'),
    );
    const t0 = performance.now();
    const s = await run(path);
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect({ stored: s.stored, rejected: s.rejected, reasons: reasons(s) }).toEqual({
      stored: 2,
      rejected: 1,
      reasons: { 'line-too-long': 1 },
    });
    expect(s.byReason['line-too-long']!.examples[0]).toMatchObject({ file: path, line: 3 });
    expect(s.byReason['line-too-long']!.examples[0]!.message).toMatch(/line 3 is 20971\d+ bytes long/);
  });

  it('a header line over the limit is an InputError naming line 1', async () => {
    const path = await put(
      'long-header.csv',
      'timestamp,' + 'x'.repeat(2 << 20) + '\n2024-01-01T00:00:00Z,1\n',
    );
    const err = await failure(run(path, { format: 'csv-wide', unit: 'W' }));
    expect(err.message).toContain(`${path}:1: line 1 is`);
  });

  it('Green Button: a value overflowing to Infinity after powerOfTenMultiplier is quarantined, the rest land', async () => {
    const path = await put('overflow.xml', espiFeed({ pow10: 3, values: [100, '1e306', 300] }));
    const s = await run(path, { facility: 'gb-overflow' });
    expect({ stored: s.stored, rejected: s.rejected, reasons: reasons(s) }).toEqual({
      stored: 2,
      rejected: 1,
      reasons: { 'value-out-of-range': 1 },
    });
    expect(s.byReason['value-out-of-range']!.examples[0]!.message).toMatch(
      /1e\+306 x 1 x 10\^3 .*not finite/,
    );
    const rows = await t.store.readings.read(s.channels[0]!, 0, 2e12);
    expect(rows.map((r) => r.value)).toEqual([100_000, 300_000]);
  });

  it('Green Button: powerOfTenMultiplier 400 quarantines the readings of that type with a reason, not the import', async () => {
    const path = await put('pow400.xml', espiFeed({ pow10: 400 }));
    const s = await run(path);
    expect({ stored: s.stored, rejected: s.rejected, reasons: reasons(s) }).toEqual({
      stored: 0,
      rejected: 3,
      reasons: { 'value-out-of-range': 3 },
    });
  });

  it('CSV long and wide, UtilityAPI CSV and JSON: a value that overflows in unit scaling is quarantined', async () => {
    const long = await run(
      await put(
        'long-overflow.csv',
        'meter,channel,timestamp,value,unit\nm,mains,2024-01-01T00:00:00Z,1e306,kW\nm,mains,2024-01-01T00:01:00Z,2,kW\n',
      ),
    );
    const wide = await run(
      await put('wide-overflow.csv', 'timestamp,mains\n2024-01-01T00:00:00Z,1e306\n2024-01-01T00:01:00Z,2\n'),
      { format: 'csv-wide', unit: 'kW' },
    );
    const uaCsv = await run(
      await put(
        'ua-overflow.csv',
        'interval_start,interval_end,interval_kWh\n2024-01-01T00:00:00Z,2024-01-01T00:15:00Z,1e306\n2024-01-01T00:15:00Z,2024-01-01T00:30:00Z,2\n',
      ),
    );
    const uaJson = await run(
      await put(
        'ua-json-overflow.json',
        JSON.stringify({
          intervals: [
            {
              readings: [
                { start: '2024-01-01T00:00:00Z', end: '2024-01-01T00:15:00Z', kwh: 1e306 },
                { start: '2024-01-01T00:15:00Z', end: '2024-01-01T00:30:00Z', kwh: 2 },
              ],
            },
          ],
        }),
      ),
      // UtilityAPI files name no facility: this one gets its own, so its good reading is not a duplicate of the CSV's.
      { facility: 'ua-json-overflow' },
    );
    for (const s of [long, wide, uaCsv, uaJson])
      expect([s.file, s.stored, reasons(s)]).toEqual([s.file, 1, { 'value-out-of-range': 1 }]);
  });

  it('a wide CSV without a header is refused with a clear error, not read with its first row as names', async () => {
    const body = '2024-01-01T00:00:00Z,100,5\n2024-01-01T00:01:00Z,110,6\n';
    const err = await failure(run(await put('headerless.csv', body), { format: 'csv-wide', unit: 'W' }));
    expect(err.message).toMatch(
      /headerless\.csv:1: the first line '2024-01-01T00:00:00Z,100,5' is data, not a header/,
    );
    const auto = await failure(run(await put('headerless-auto.csv', body), { unit: 'W' }));
    expect(auto.message).toMatch(/header/);
    const redd = await failure(
      run(await put('redd-headerless.csv', '2011-04-18 09:22:09,222.2,30.1\n'), { format: 'redd' }),
    );
    expect(redd.message).toMatch(/header/);
    expect(await t.store.catalog.getFacility('headerless')).toBeUndefined();
  });

  it('a header that has a column named with a number is still a header', async () => {
    const s = await run(await put('numbered.csv', 'timestamp,1,2\n2024-01-01T00:00:00Z,100,5\n'), {
      format: 'csv-wide',
      unit: 'W',
    });
    expect({ stored: s.stored, rejected: s.rejected }).toEqual({ stored: 2, rejected: 0 });
  });

  it('UtilityAPI JSON nested 100,000 deep is an InputError naming the line, column and the limit', async () => {
    const path = await put('deep.json', '{"intervals":\n' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    const err = await failure(run(path));
    expect(err.message).toMatch(/deep\.json:2: .*nested deeper than 64.*column 64/);
  });

  it('Green Button nested 40,000 deep (280 kB) is an InputError naming the line and the limit, fast', async () => {
    const body = espiFeed({ blockExtra: '\n' + '<x>'.repeat(40_000) + '</x>'.repeat(40_000) });
    expect(body.length).toBeGreaterThan(280_000);
    const path = await put('deep.xml', body);
    const t0 = performance.now();
    const err = await failure(run(path));
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(err.message).toMatch(
      /deep\.xml:19: elements nested deeper than 64 levels \(<x> inside <x><x><x>\)/,
    );
  });

  it('Green Button text of an element over 1 MiB is an InputError', async () => {
    const path = await put('long-text.xml', espiFeed({ values: [100, '9'.repeat(2 << 20)] }));
    const err = await failure(run(path));
    expect(err.message).toMatch(/long-text\.xml:\d+: an element's text is longer than 1048576 characters/);
  });

  it('a Green Button parse over its time limit is stopped with an error saying so', async () => {
    const path = await put('slow.xml', espiFeed());
    const err = await failure(run(path, { parseTimeLimitMs: 1 }));
    expect(err.message).toMatch(
      /slow\.xml: parsing the XML took longer than 0\.001 s for one chunk after byte 0/,
    );
  });
});
