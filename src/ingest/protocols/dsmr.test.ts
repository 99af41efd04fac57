/**
 * DSMR P1: recorded telegrams (test/fixtures/dsmr, CRCs from the meters themselves) through the
 * parser, the importer and a TCP gateway that the test starts.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES, type TestStore } from '../../store/contract/factories.ts';
import { telegramReadings } from '../formats/dsmr.ts';
import { importFile } from '../import-file.ts';
import { crc16, parseStamp, parseTelegrams } from './dsmr.ts';
import { parseTcpUrl } from './p1-tcp.ts';
import { pieces, testGateway } from './test-gateway.ts';

const FX = resolve(import.meta.dirname, '../../../test/fixtures/dsmr');
const fixture = (name: string): string => readFileSync(join(FX, name), 'latin1');
const V5 = fixture('v5.txt');
const V42 = fixture('v42.txt');
const SAG = fixture('sagemcom-t210.txt');
const V3 = fixture('v3.txt');

/** Lines of a CRLF text (each fixture ends with a line break). */
const lines = (text: string): number => text.split('\r\n').length - 1;

/** Gives a (changed) telegram a correct CRC again, as a meter that writes odd lines would. */
function withCrc(text: string): string {
  const bang = text.indexOf('!');
  const crc = crc16(Buffer.from(text.slice(0, bang + 1), 'latin1'));
  return `${text.slice(0, bang + 1)}${crc.toString(16).toUpperCase().padStart(4, '0')}\r\n`;
}

/** A telegram with one digit of a value changed, so its CRC no longer matches. */
const damaged = V5.replace('1-0:1.7.0(00.244*kW)', '1-0:1.7.0(00.944*kW)');

describe('DSMR telegrams', () => {
  it('accepts the CRC of telegrams recorded from three meters', () => {
    for (const text of [V5, V42, SAG]) {
      const { telegrams, problems } = parseTelegrams(text);
      expect(problems).toEqual([]);
      expect(telegrams).toHaveLength(1);
      expect(telegrams[0]!.crcChecked).toBe(true);
    }
  });

  it('computes CRC-16/ARC (check value of "123456789" is 0xBB3D)', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0xbb3d);
  });

  it('rejects a damaged telegram and still reads the ones around it', () => {
    const { telegrams, problems } = parseTelegrams(V42 + damaged + SAG);
    expect(telegrams.map((t) => t.ident)).toEqual(['KFM5KAIFA-METER', 'EST5\\253710000_A']);
    expect(problems).toHaveLength(1);
    const at = lines(V42) + 1;
    expect(problems[0]).toMatchObject({ reason: 'bad-crc', line: at });
    expect(problems[0]!.message).toMatch(
      new RegExp(`telegram at line ${at}: the CRC does not match \\(telegram says 6EEE`),
    );
  });

  it('reports a cut-off telegram, a malformed line and text between telegrams with their lines', () => {
    const cut = V5.slice(0, V5.indexOf('1-0:2.7.0'));
    const badLine = withCrc(V42.replace('1-0:2.7.0(00.000*kW)', '1-0:2.7.0 00.000 kW'));
    const r = parseTelegrams(cut + V42 + 'gateway rebooted\r\n' + badLine);
    const stray = lines(cut) + lines(V42) + 1;
    const bad = stray + 1 + V42.split('\r\n').indexOf('1-0:2.7.0(00.000*kW)');
    expect(r.problems.map((p) => [p.reason, p.line])).toEqual([
      ['truncated', 1],
      ['stray-text', stray],
      ['bad-line', bad],
    ]);
    expect(r.problems[2]!.message).toMatch(new RegExp(`line ${bad}: expected an OBIS code and value groups`));
    expect(r.telegrams).toHaveLength(1);
  });

  it('reads time stamps with their own offset (W = UTC+1, S = UTC+2) and refuses impossible dates', () => {
    expect(new Date(parseStamp('170102192002W')!).toISOString()).toBe('2017-01-02T18:20:02.000Z');
    expect(new Date(parseStamp('221006155014S')!).toISOString()).toBe('2022-10-06T13:50:14.000Z');
    // The autumn clock change: 02:30 happens twice, and the flag tells which.
    expect(parseStamp('231029023000S')! - parseStamp('231029023000W')!).toBe(-3_600_000);
    // Without a flag, the EU summer-time rule.
    expect(new Date(parseStamp('230715120000')!).toISOString()).toBe('2023-07-15T10:00:00.000Z');
    expect(new Date(parseStamp('230115120000')!).toISOString()).toBe('2023-01-15T11:00:00.000Z');
    expect(parseStamp('230230120000W')).toBeUndefined();
    expect(parseStamp('231301000000W')).toBeUndefined();
  });

  it('turns a DSMR 5 telegram into power, registers and the gas register with its own time', () => {
    const t = parseTelegrams(V5).telegrams[0]!;
    const r = Object.fromEntries(telegramReadings(t).map((x) => [x.spec.name, x]));
    expect(r['power_import']).toMatchObject({ value: 244, ts: Date.parse('2017-01-02T18:20:02Z') });
    expect(r['power_import']!.spec).toMatchObject({ unit: 'W', measurement: 'power', isMains: true });
    expect(r['power_import_l3']!.value).toBeCloseTo(142, 9);
    expect(r['energy_import_t1']).toMatchObject({ value: 4426 });
    expect(r['energy_import_t1']!.spec).toMatchObject({
      unit: 'Wh',
      measurement: 'register',
      isMains: false,
    });
    expect(r['energy_export_t1']!.value).toBe(2444);
    expect(r['gas']).toMatchObject({ value: 0.107, service: 'gas', ts: Date.parse('2017-01-02T15:10:05Z') });
    expect(r['gas']!.spec).toMatchObject({ meter: 'gas', unit: 'm3', measurement: 'register' });
    // Voltage and current are not energy channels.
    expect(Object.keys(r)).not.toContain('voltage_l1');
  });

  it('reads the DSMR 3 gas value from its own line, and needs a receive time for an undated telegram', () => {
    const t = parseTelegrams(V3).telegrams[0]!;
    expect(t.ts).toBeUndefined();
    expect(telegramReadings(t).map((x) => x.spec.name)).toEqual(['gas']);
    const live = telegramReadings(t, Date.parse('2024-01-01T00:00:00Z'));
    expect(live.find((x) => x.spec.name === 'power_import')?.value).toBeCloseTo(1190, 9);
    expect(live.find((x) => x.spec.name === 'gas')?.value).toBe(1.001);
  });

  it('gives the same telegrams whatever the line breaks of the transport (property)', () => {
    const stream = V42 + damaged + SAG + V5;
    const whole = parseTelegrams(stream);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 30 }), (cuts) => {
        // Any chunking is the same byte stream; the assembler sees lines, so compare the line-level result.
        const sorted = [...new Set(cuts)].sort((a, b) => a - b);
        const pieces = sorted.map((c, i) => stream.slice(sorted[i - 1] ?? 0, c));
        const again = parseTelegrams(pieces.join('') + stream.slice(sorted.at(-1) ?? 0));
        expect(again.telegrams.map((t) => t.ts)).toEqual(whole.telegrams.map((t) => t.ts));
      }),
      { numRuns: 50 },
    );
  });

  it('never throws on corrupted bytes and never accepts a telegram whose bytes changed (property)', () => {
    fc.assert(
      fc.property(fc.nat(V5.length - 1), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const bytes = Buffer.from(V5, 'latin1');
        const before = bytes[at]!;
        bytes[at] = before ^ x;
        const r = parseTelegrams(bytes.toString('latin1'));
        // A changed byte inside the CRC-covered part is caught (CRC-16 catches every single-byte error).
        const covered = at <= V5.indexOf('!');
        if (covered && bytes[at] !== 0x0a && before !== 0x0a) expect(r.telegrams).toHaveLength(0);
      }),
      { numRuns: 300 },
    );
  });

  it('validates gateway addresses', () => {
    expect(parseTcpUrl('tcp://192.168.1.20:8088')).toEqual({ host: '192.168.1.20', port: 8088 });
    expect(parseTcpUrl('tcp://[::1]:23')).toEqual({ host: '::1', port: 23 });
    expect(() => parseTcpUrl('tcp://gateway')).toThrow(/expected a gateway address tcp:\/\/host:port/);
    expect(() => parseTcpUrl('tcp://gateway:70000')).toThrow(/port 1-65535/);
  });
});

for (const factory of STORE_FACTORIES) {
  describe(`DSMR import (${factory.kind})`, () => {
    let t: TestStore;
    let dir: string;
    beforeAll(async () => {
      t = await factory.open();
      dir = await mkdtemp(join(tmpdir(), 'loadscope-dsmr-'));
    });
    afterAll(async () => {
      await t?.destroy();
      await rm(dir, { recursive: true, force: true });
    });

    it('imports a recorded file: detects the format, stores readings, rejects the damaged telegram', async () => {
      const file = join(dir, 'meter.txt');
      await writeFile(file, V42 + damaged + V5, 'latin1');
      const s = await importFile(t.store, { path: file, quarantineDir: dir, facility: 'p1-file' });
      expect(s.format).toBe('dsmr');
      expect(s.rows).toBe(2);
      expect(s.rejected).toBe(1);
      expect(Object.keys(s.byReason)).toEqual(['bad-crc']);
      // V4.2: 12 electricity values + gas; V5: 12 + gas.
      expect(s.readings).toBe(26);
      expect(s.channels).toContain('p1-file:p1:power_import');
      expect(s.channels).toContain('p1-file:gas:gas');
      const fac = await t.store.catalog.getFacility('p1-file');
      expect(fac?.timeZone).toBe('Europe/Amsterdam');
    });

    it('follows a TCP gateway through a dropped connection, in pieces of any size', async () => {
      // First connection: one good telegram, then the connection drops in the middle of the next.
      const first = pieces(V42 + V5.slice(0, 300));
      // Second connection: the damaged telegram and two good ones.
      const second = pieces(damaged + SAG + V5);
      const gw = await testGateway([first, second]);
      const statuses: string[] = [];
      const abort = new AbortController();
      let reconnects = 0;
      try {
        const s = await importFile(
          t.store,
          { path: gw.url, quarantineDir: dir, facility: 'p1-live' },
          {
            signal: abort.signal,
            onStatus: (st) => {
              statuses.push(st);
              if (st === 'disconnected' && ++reconnects === 2) abort.abort();
            },
          },
        );
        expect(statuses).toEqual(['connected', 'disconnected', 'connected', 'disconnected']);
        expect(s.format).toBe('dsmr');
        expect(s.rows).toBe(3);
        expect(Object.keys(s.byReason).sort()).toEqual(['bad-crc', 'truncated']);
        expect(s.stored).toBeGreaterThanOrEqual(13 + 8);
      } finally {
        gw.server.close();
      }
    }, 60_000);

    it('says clearly when no gateway answers', async () => {
      await expect(
        importFile(t.store, {
          path: 'tcp://127.0.0.1:1',
          quarantineDir: dir,
          facility: 'p1-none',
          once: true,
        }),
      ).rejects.toThrow(/cannot read from the P1 gateway 127\.0\.0\.1:1: connect ECONNREFUSED/);
    });
  });
}
