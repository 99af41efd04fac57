/**
 * SML (German smart meters) on recorded meter output (test/fixtures/sml, see SOURCES.md): the
 * framer and CRC, the decoded values, the importer from a file and through a TCP gateway that the
 * test starts.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../../store/contract/factories.ts';
import { smlReadings } from '../formats/sml.ts';
import { detectFromText } from '../detect.ts';
import { importFile } from '../import-file.ts';
import { pieces, testGateway } from './test-gateway.ts';
import { crc16x25, type SmlFile, SmlFramer, type SmlProblem } from './sml.ts';

const FX = resolve(import.meta.dirname, '../../../test/fixtures/sml');
const hex = (name: string): Buffer => Buffer.from(readFileSync(join(FX, name), 'latin1').trim(), 'hex');
const ISKRA = hex('iskra-mt631.hex');
const DZG = hex('dzg-dvs7420-export.hex');

/** Frames a byte stream, fed in the given pieces. */
function frame(...chunks: Buffer[]): { files: SmlFile[]; problems: SmlProblem[] } {
  const files: SmlFile[] = [];
  const problems: SmlProblem[] = [];
  const f = new SmlFramer(
    (x) => files.push(x),
    (p) => problems.push(p),
  );
  for (const c of chunks) f.push(c);
  f.end();
  return { files, problems };
}

const values = (f: SmlFile): Record<string, number | null> =>
  Object.fromEntries(f.entries.filter((e) => e.value !== null).map((e) => [e.obis, e.value]));

describe('SML framing and decoding', () => {
  it('is detected from its first bytes, binary or written as hex text', () => {
    expect(detectFromText(ISKRA.subarray(0, 64).toString('latin1'), 'x.bin')).toBe('sml');
    expect(detectFromText('1b1b1b1b010101017605', 'x.hex')).toBe('sml');
  });

  it('computes CRC-16/X.25 (check value of "123456789" is 0x906E)', () => {
    expect(crc16x25(Buffer.from('123456789'))).toBe(0x906e);
  });

  it('reads the five files of an Iskra MT631: 1.8.0 = 2,043 kWh (scaler +3), meter id', () => {
    const { files, problems } = frame(ISKRA);
    expect(problems).toEqual([]);
    expect(files).toHaveLength(5);
    expect(files.map((f) => f.offset)).toEqual([0, 212, 424, 636, 848]);
    expect(files[0]!.serverId).toBe('0a0149534b00047a5544');
    expect(files.map((f) => f.sensorTime?.seconds)).toEqual([
      0x0334a4f7, 0x0334a4f8, 0x0334a4f9, 0x0334a4fa, 0x0334a4fb,
    ]);
    expect(values(files[0]!)).toEqual({ '1-0:1.8.0*255': 2_043_000, '1-0:2.8.0*255': 0 });
  });

  it('reads a DZG DVS-7420 exporting: signed power -105.50 W, registers with scaler -1', () => {
    const { files, problems } = frame(DZG);
    expect(files).toHaveLength(3);
    expect(values(files[0]!)).toEqual({
      '1-0:1.8.0*255': 13_232.9,
      '1-0:2.8.0*255': 1_500_321.3,
      '1-0:16.7.0*255': -105.5,
    });
    expect(values(files[1]!)['1-0:16.7.0*255']).toBe(-106.78);
    // The recording ends in the middle of a fourth file.
    expect(problems).toEqual([
      {
        offset: 756,
        reason: 'truncated',
        message: expect.stringMatching(/byte 756 is cut off after 200 bytes/),
      },
    ]);
    expect(smlReadings(files[0]!)).toEqual([
      { name: 'energy_import', mains: false, register: true, unit: 'Wh', value: 13_232.9 },
      { name: 'energy_export', mains: false, register: true, unit: 'Wh', value: 1_500_321.3 },
      { name: 'power_import', mains: true, register: false, unit: 'W', value: 0 },
      { name: 'power_export', mains: false, register: false, unit: 'W', value: 105.5 },
    ]);
  });

  it('rejects a file with one changed byte by its CRC, keeps the others, and resyncs after noise', () => {
    const bad = Buffer.from(ISKRA.subarray(212, 424));
    bad[150]! ^= 0x04;
    const noise = Buffer.from('garbage from a reader started mid-file');
    const { files, problems } = frame(noise, ISKRA.subarray(0, 212), bad, ISKRA.subarray(424));
    expect(files).toHaveLength(4);
    expect(problems.map((p) => [p.reason, p.offset])).toEqual([
      ['stray-bytes', 0],
      ['bad-crc', noise.length + 212],
    ]);
    expect(problems[1]!.message).toMatch(/CRC [0-9A-F]{4} does not match the file's CRC-16\/X\.25/);
  });

  it('gives the same files for any cut of the stream into pieces (property)', () => {
    const whole = frame(ISKRA, DZG);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: ISKRA.length + DZG.length - 1 })), (cuts) => {
        const stream = Buffer.concat([ISKRA, DZG]);
        const at = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const again = frame(...at.slice(1).map((c, i) => stream.subarray(at[i], c)));
        expect(again.files).toEqual(whole.files);
        expect(again.problems).toEqual(whole.problems);
      }),
      { numRuns: 60 },
    );
  });

  it('never throws on corrupted bytes and never accepts a file whose bytes changed (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 203 }),
        fc.integer({ min: 1, max: 255 }),
        fc.uint8Array({ maxLength: 64 }),
        (at, flip, junk) => {
          const file = Buffer.from(ISKRA.subarray(0, 212));
          file[at]! ^= flip;
          const r = frame(Buffer.from(junk), file);
          expect(r.files).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

for (const factory of STORE_FACTORIES) {
  describe(`SML import (${factory.kind})`, () => {
    let t: TestStore;
    let dir: string;
    beforeAll(async () => {
      t = await factory.open();
      dir = await mkdtemp(join(tmpdir(), 'loadscope-sml-'));
    });
    afterAll(async () => {
      await t?.destroy();
      await rm(dir, { recursive: true, force: true });
    });

    it('imports a recording (hex text or binary), dated by the meter seconds from --start', async () => {
      const path = join(dir, 'dzg.hex');
      await writeFile(path, readFileSync(join(FX, 'dzg-dvs7420-export.hex')));
      await expect(
        importFile(t.store, { path, quarantineDir: dir, facility: 'sml-nostart' }),
      ).rejects.toThrow(/--start.*counts seconds since it started/);
      const s = await importFile(t.store, {
        path,
        quarantineDir: dir,
        facility: 'sml-dzg',
        start: '2024-05-01T12:00:00Z',
      });
      expect(s).toMatchObject({ format: 'sml', rows: 3, readings: 12, stored: 12 });
      expect(Object.keys(s.byReason)).toEqual(['truncated']);
      const exp = await t.store.readings.readColumns('sml-dzg:sml:power_export', 0, 4e12);
      const t0 = Date.UTC(2024, 4, 1, 12);
      expect([...exp.ts]).toEqual([t0, t0 + 1000, t0 + 2000]);
      expect([...exp.value]).toEqual([105.5, 106.78, 104.38]);
      expect(await t.store.catalog.getChannel('sml-dzg:sml:power_import')).toMatchObject({
        isMains: true,
        unit: 'W',
      });
      expect(await t.store.catalog.getChannel('sml-dzg:sml:energy_export')).toMatchObject({
        measurement: 'register',
        unit: 'Wh',
      });
      const bin = join(dir, 'iskra.bin');
      await writeFile(bin, ISKRA);
      const i = await importFile(t.store, {
        path: bin,
        quarantineDir: dir,
        facility: 'sml-iskra',
        start: '1714564800',
      });
      expect(i).toMatchObject({ format: 'sml', rows: 5, stored: 10, rejected: 0 });
    });

    it('follows a TCP gateway through a dropped connection, files dated on arrival', async () => {
      const bad = Buffer.from(ISKRA.subarray(212, 424));
      bad[100]! ^= 0x10;
      const first = pieces(Buffer.concat([ISKRA.subarray(0, 212), ISKRA.subarray(424, 500)]));
      const second = pieces(Buffer.concat([bad, ISKRA.subarray(636)]));
      const gw = await testGateway([first, second]);
      const abort = new AbortController();
      let drops = 0;
      const before = Date.now();
      try {
        const s = await importFile(
          t.store,
          { path: gw.url, format: 'sml', quarantineDir: dir, facility: 'sml-live' },
          {
            signal: abort.signal,
            onStatus: (st) => {
              if (st === 'disconnected' && ++drops === 2) abort.abort();
            },
          },
        );
        expect(s).toMatchObject({ format: 'sml', rows: 3, stored: 6 });
        expect(Object.keys(s.byReason).sort()).toEqual(['bad-crc', 'truncated']);
        const reg = await t.store.readings.readColumns('sml-live:sml:energy_import', 0, 4e12);
        expect(reg.ts.every((x) => x >= before - 1000 && x <= Date.now() + 1000)).toBe(true);
      } finally {
        gw.server.close();
      }
    }, 60_000);
  });
}
