/**
 * Property tests (fast-check) over the importers' parsers (issue 13): arbitrary bytes and lines never
 * throw anything but our named errors and never hang, and valid values round-trip. The pieces
 * (line and field splitting, numbers, timestamps, JSON depth, the ESPI SAX reader) get many runs;
 * whole imports into a DuckDB store get fewer, since each writes to a database.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { espiFeed } from '../../test/corpus/espi-doc.ts';
import { LoadscopeError } from '../errors.ts';
import { STORE_FACTORIES, type TestStore } from '../store/contract/factories.ts';
import { FieldSplitter, splitText } from './csv/fields.ts';
import { EspiSax } from './formats/espi-sax.ts';
import { importFile } from './import-file.ts';
import { findTooDeep } from './json-depth.ts';
import { LineSplitter } from './lines.ts';
import { parseNumber } from './numbers.ts';
import { IsoParser, parseInstant, TS_MAX } from './time.ts';
import type { ImportFormat, ImportOptions } from './types.ts';

/** Splits `bytes` into chunks at the given cut points. */
const chunked = (bytes: Uint8Array, cuts: number[]): Buffer[] => {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    out.push(Buffer.from(bytes.subarray(from, c)));
    from = c;
  }
  return out;
};

describe('parser pieces (fast-check)', () => {
  it('LineSplitter: any bytes in any chunks give the lines of a plain split, never over the limit', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        (bytes, cuts, max) => {
          const sp = new LineSplitter();
          sp.maxLineBytes = max;
          const got: string[] = [];
          const onLine = (b: Buffer, s: number, e: number, n: number): void => {
            got.push(`${n}:${b.toString('latin1', s, e)}`);
          };
          const onLong = (n: number, bytes: number): void => {
            got.push(`${n}:long ${bytes}`);
          };
          for (const c of chunked(bytes, cuts)) sp.push(c, onLine, onLong);
          sp.end(onLine, onLong);
          const text = Buffer.from(bytes).toString('latin1');
          const parts = text.split('\n');
          if (parts[parts.length - 1] === '') parts.pop();
          const want = parts.map((p, i) =>
            p.length > max ? `${i + 1}:long ${p.length}` : `${i + 1}:${p.replace(/\r$/, '')}`,
          );
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('FieldSplitter: any line splits without throwing; plain fields round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const f = new FieldSplitter(44);
        const buf = Buffer.from(bytes);
        const n = f.split(buf, 0, buf.length);
        expect(n).toBeGreaterThanOrEqual(buf.length === 0 ? 0 : 1);
        for (let k = 0; k < n; k++) expect(f.ends[k]! >= f.starts[k]!).toBe(true);
      }),
      { numRuns: 500 },
    );
    const plain = fc.string({ unit: fc.constantFrom(...'abc 019.-xyz:TZ'.split('')), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(plain, { minLength: 1, maxLength: 8 }), (fields) => {
        const line = Buffer.from(fields.join(','));
        expect(splitText(line, 0, line.length)).toEqual(fields.map((x) => x.trim()));
      }),
      { numRuns: 300 },
    );
  });

  it('parseNumber: any bytes give a number (never throw); every finite double round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(typeof parseNumber(bytes, 0, bytes.length)).toBe('number');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const s = Buffer.from(String(d));
        expect(parseNumber(s, 0, s.length)).toBe(d === 0 ? 0 : d);
      }),
      { numRuns: 1000 },
    );
  });

  it('ISO date-times parse like Date.UTC, day after day through one parser (its date cache), 24:00 and :60 rolled over', () => {
    const p = new IsoParser(null);
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1970, max: 2099 }),
            fc.integer({ min: 1, max: 12 }),
            fc.integer({ min: 1, max: 31 }),
            fc.integer({ min: 0, max: 24 }),
            fc.integer({ min: 0, max: 59 }),
            fc.integer({ min: 0, max: 60 }),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        (times) => {
          for (const [y, mo, d, h, mi, sec] of times) {
            const b = Buffer.from(`${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(sec)}Z`);
            const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
            const want = d > daysInMonth ? NaN : Date.UTC(y, mo - 1, d, h, mi, sec);
            expect(p.parse(b, 0, b.length)).toBe(want);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('timestamps: any text parses or gives NaN; every instant in range round-trips as ISO-8601', () => {
    const p = new IsoParser(null);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const b = Buffer.from(s, 'latin1');
        const t = p.parse(b, 0, b.length);
        expect(Number.isNaN(t) || Number.isFinite(t)).toBe(true);
        expect(typeof parseInstant(s)).toBe('number');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TS_MAX - 1 }), (ts) => {
        const b = Buffer.from(new Date(ts).toISOString());
        expect(p.parse(b, 0, b.length)).toBe(ts);
      }),
      { numRuns: 1000 },
    );
  });

  it('findTooDeep: JSON within the limit passes, deeper JSON is found at its first over-deep bracket', () => {
    fc.assert(
      fc.property(fc.jsonValue({ depthSize: 'small' }), (v) => {
        const text = JSON.stringify(v);
        expect(findTooDeep(Buffer.from(text), 1000)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 100 }), (depth, max) => {
        const text = '['.repeat(depth) + ']'.repeat(depth);
        const got = findTooDeep(Buffer.from(text), max);
        expect(got).toEqual(depth > max ? { line: 1, column: max + 1 } : undefined);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        findTooDeep(bytes, 4);
      }),
      { numRuns: 300 },
    );
  });

  it('EspiSax: any text never throws (a problem or a broken document at most); valid feeds round-trip', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 4 }), (s, cuts) => {
        const sax = new EspiSax('x.xml', () => undefined);
        for (const c of chunked(Buffer.from(s), cuts)) if (sax.write(c.toString())) return;
        sax.write(null);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 20 }),
        (values) => {
          const values2: number[] = [];
          const sax = new EspiSax('x.xml', (e) => values2.push(...e.block.value));
          expect(sax.write(espiFeed({ values }))).toBeUndefined();
          expect(sax.write(null)).toBeUndefined();
          expect(sax.broken).toBeNull();
          expect(values2).toEqual(values.map((v) => (v === 0 ? 0 : v)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('whole imports (fast-check, duckdb)', () => {
  let t: TestStore;
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    dir = await mkdtemp(join(tmpdir(), 'loadscope-prop-'));
  });
  afterAll(async () => {
    await t?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  /** Imports `body` as `format`; a thrown error must be one of ours. */
  const importBytes = async (
    format: ImportFormat,
    body: string | Uint8Array,
    o: Partial<ImportOptions> = {},
  ): Promise<{ stored: number; channel: string | undefined } | LoadscopeError> => {
    const id = `p${++n}`;
    const path = join(
      dir,
      `${id}.${format === 'greenbutton' ? 'xml' : format === 'utilityapi-json' ? 'json' : 'csv'}`,
    );
    await writeFile(path, body);
    try {
      const s = await importFile(t.store, {
        path,
        format,
        org: id,
        facility: id,
        quarantineDir: join(dir, 'q'),
        ...o,
      });
      return { stored: s.stored, channel: s.channels[0] };
    } catch (err) {
      if (err instanceof LoadscopeError) return err;
      throw err;
    }
  };
  const lines = fc.array(fc.string({ maxLength: 60 }), { maxLength: 12 });
  const T0 = Date.UTC(2024, 0, 1);
  const values = fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 20 });

  const cases: { format: ImportFormat; header: string; opts?: Partial<ImportOptions> }[] = [
    { format: 'csv-long', header: 'meter,channel,timestamp,value,unit' },
    { format: 'csv-wide', header: 'timestamp,mains', opts: { unit: 'W' } },
    { format: 'refit', header: 'Time,Aggregate' },
    { format: 'ampds', header: 'TimeStamp,M_E' },
    { format: 'redd', header: 'datetime,1 mains' },
    { format: 'redd-relative', header: 'seconds,mains', opts: { start: '2011-04-16T00:00:00' } },
    { format: 'utilityapi-csv', header: 'interval_start,interval_end,interval_kWh' },
  ];
  for (const c of cases)
    it(`${c.format}: a header and arbitrary lines never crash or hang`, async () => {
      await fc.assert(
        fc.asyncProperty(lines, async (ls) => {
          const r = await importBytes(c.format, [c.header, ...ls].join('\n'), c.opts);
          if (!(r instanceof LoadscopeError)) expect(r.stored).toBeLessThanOrEqual(ls.length);
        }),
        { numRuns: 15, timeout: 20_000 },
      );
    });

  it('utilityapi-json and greenbutton: arbitrary text never crashes or hangs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (s) => {
        await importBytes('utilityapi-json', s);
      }),
      { numRuns: 15, timeout: 20_000 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (s) => {
        await importBytes('greenbutton', s);
      }),
      { numRuns: 4, timeout: 30_000 },
    );
  });

  it('csv-long, csv-wide and UtilityAPI CSV and JSON: valid rows round-trip to the stored values', async () => {
    const read = async (channel: string | undefined): Promise<number[]> =>
      (await t.store.readings.read(channel!, 0, 4e12)).map((r) => r.value);
    await fc.assert(
      fc.asyncProperty(values, async (vs) => {
        const ts = (i: number): string => new Date(T0 + i * 900_000).toISOString();
        const long = await importBytes(
          'csv-long',
          ['meter,channel,timestamp,value,unit', ...vs.map((v, i) => `m,mains,${ts(i)},${v},W`)].join('\n'),
        );
        const wide = await importBytes(
          'csv-wide',
          ['timestamp,mains', ...vs.map((v, i) => `${ts(i)},${v}`)].join('\n'),
          {
            unit: 'W',
          },
        );
        const uaCsv = await importBytes(
          'utilityapi-csv',
          [
            'interval_start,interval_end,interval_kWh',
            ...vs.map((v, i) => `${ts(i)},${ts(i + 1)},${v}`),
          ].join('\n'),
        );
        const uaJson = await importBytes(
          'utilityapi-json',
          JSON.stringify({
            intervals: [{ readings: vs.map((v, i) => ({ start: ts(i), end: ts(i + 1), kwh: v })) }],
          }),
        );
        for (const r of [long, wide, uaCsv, uaJson]) expect(r).not.toBeInstanceOf(LoadscopeError);
        const ok = (r: typeof long) => r as { stored: number; channel: string };
        expect(await read(ok(long).channel)).toEqual(vs.map((v) => v + 0));
        expect(await read(ok(wide).channel)).toEqual(vs.map((v) => v + 0));
        for (const r of [uaCsv, uaJson]) {
          const got = await read(ok(r).channel);
          got.forEach((g, i) => expect(g).toBeCloseTo(vs[i]! * 1000, 6));
        }
      }),
      { numRuns: 8, timeout: 30_000 },
    );
  });
});
