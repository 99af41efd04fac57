import { describe, expect, it } from 'vitest';
import { FieldSplitter, splitText } from './csv/fields.ts';
import { createTsReader, type TsReader } from './csv/ts-reader.ts';
import { detectFromText } from './detect.ts';
import { espiMeasurement, zoneFromLocalTime } from './formats/espi.ts';
import { LineSplitter } from './lines.ts';
import { numberProblem, parseNumber } from './numbers.ts';
import { LocalTimeConverter } from '../util/time/index.ts';
import { IsoParser, parseInstant } from './time.ts';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const num = (s: string): number => parseNumber(b(s), 0, s.length);

describe('parseNumber', () => {
  it('parses plain decimals exactly like Number()', () => {
    for (const s of [
      '0',
      '12',
      '-3.25',
      '+7',
      '55.4',
      '88.33333333333333',
      '0.1',
      '1e3',
      '-2.5E-2',
      '123456789012345678',
    ]) {
      expect(num(s)).toBe(Number(s));
    }
    expect(num(' 4.5 ')).toBe(4.5);
  });
  it('returns NaN or non-finite values for bad text and classifies them', () => {
    expect(num('')).toBeNaN();
    expect(num('abc')).toBeNaN();
    expect(num('1.2.3')).toBeNaN();
    expect(num('NaN')).toBeNaN();
    expect(num('Infinity')).toBe(Infinity);
    expect(numberProblem('')).toBe('missing-value');
    expect(numberProblem('-Infinity')).toBe('not-finite');
    expect(numberProblem('nan')).toBe('not-finite');
    expect(numberProblem('12x')).toBe('not-a-number');
  });
});

describe('timestamps', () => {
  it('parses ISO-8601 with Z, offsets, fractions and space separators', () => {
    const p = new IsoParser(null);
    const t = (s: string): number => p.parse(b(s), 0, s.length);
    expect(t('2024-01-02T03:04:05Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(t('2024-01-02 03:04:05.250')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 250));
    expect(t('2024-01-02T03:04:05-08:00')).toBe(Date.UTC(2024, 0, 2, 11, 4, 5));
    expect(t('2024-01-02T03:04+0130')).toBe(Date.UTC(2024, 0, 2, 1, 34));
    expect(t('2024-01-02')).toBe(Date.UTC(2024, 0, 2));
    expect(t('2024-13-02T00:00:00Z')).toBeNaN();
    expect(p.problem).toBe('bad-timestamp');
    expect(t('2100-01-01T00:00:00Z')).toBeNaN();
    expect(p.problem).toBe('timestamp-out-of-range');
  });

  it('converts local time with DST: gap rejected, repeated hour in order', () => {
    const ny = new LocalTimeConverter('America/New_York');
    const wall = (s: string): number => Date.parse(s + 'Z');
    expect(ny.toUtc(wall('2024-01-15T12:00:00'))).toBe(Date.parse('2024-01-15T17:00:00Z'));
    expect(ny.toUtc(wall('2024-07-15T12:00:00'))).toBe(Date.parse('2024-07-15T16:00:00Z'));
    expect(ny.toUtc(wall('2024-03-10T02:30:00'))).toBeNaN();
    const seq = ['01:00', '01:30', '01:00', '01:30', '02:00'].map((h) =>
      ny.toUtc(wall(`2024-11-03T${h}:00`)),
    );
    expect(seq.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      '05:00',
      '05:30',
      '06:00',
      '06:30',
      '07:00',
    ]);
    // A new series (a later channel of a long file) starts again at the first occurrence.
    expect(ny.toUtc(wall('2024-11-03T01:00:00'))).toBe(Date.parse('2024-11-03T05:00:00Z'));
  });

  it('reads local date-times through a converter and unix seconds in parseInstant', () => {
    const p = new IsoParser(new LocalTimeConverter('Europe/London'));
    expect(p.parse(b('2014-07-01 12:00:00'), 0, 19)).toBe(Date.parse('2014-07-01T11:00:00Z'));
    expect(parseInstant('1303132929')).toBe(1303132929000);
    expect(parseInstant('2011-04-16T00:00:00', new LocalTimeConverter('America/New_York'))).toBe(
      Date.parse('2011-04-16T04:00:00Z'),
    );
  });

  it('auto-detects unix seconds, milliseconds or ISO from the first valid value', () => {
    const t = (r: TsReader, s: string): number => r.parse(b(s), 0, s.length);
    const a = createTsReader('auto', null);
    expect(t(a, 'garbage')).toBeNaN();
    expect(t(a, '1303132929')).toBe(1303132929000);
    expect(t(a, '1303132930')).toBe(1303132930000);
    const ms = createTsReader('auto', null);
    expect(t(ms, '1704067200000')).toBe(1704067200000);
    const iso = createTsReader('auto', null);
    expect(t(iso, '2024-01-01T00:00:00Z')).toBe(1704067200000);
    expect(t(iso, '1704067200')).toBeNaN();
    expect(t(createTsReader('unix-s', null), '99999999999')).toBeNaN();
  });

  it('maps ESPI LocalTimeParameters to a zone', () => {
    expect(
      zoneFromLocalTime({
        tzOffset: -28800,
        dstOffset: 3600,
        dstStartRule: '360E2000',
        dstEndRule: 'B40E2000',
      }),
    ).toBe('America/Los_Angeles');
    expect(zoneFromLocalTime({ tzOffset: -18000, dstOffset: 0 })).toBe('Etc/GMT+5');
    expect(
      zoneFromLocalTime({
        tzOffset: 18000,
        dstOffset: 3600,
        dstStartRule: '360E2000',
        dstEndRule: 'B40E2000',
      }),
    ).toBeNull();
  });

  it('maps ESPI accumulation behaviour to a measurement', () => {
    expect(espiMeasurement(4, 'Wh')).toBe('interval');
    expect(espiMeasurement(undefined, 'therm')).toBe('interval');
    expect(espiMeasurement(9, 'Wh')).toBe('register');
    expect(espiMeasurement(1, 'm3')).toBe('register');
    expect(espiMeasurement(6, 'W')).toBe('power');
  });
});

describe('lines and fields', () => {
  it('splits lines across chunk boundaries and strips CR', () => {
    const lines: string[] = [];
    const sp = new LineSplitter();
    const on = (buf: Buffer, s: number, e: number): void => void lines.push(buf.toString('utf8', s, e));
    for (const c of ['a,1\r\nb,', '2\nc', ',3\n', 'd,4']) sp.push(b(c), on);
    sp.end(on);
    expect(lines).toEqual(['a,1', 'b,2', 'c,3', 'd,4']);
    expect(sp.line).toBe(4);
  });
  it('splits quoted fields, trailing empties and blanks', () => {
    const line = 'datetime,"1 mains","a, b",';
    expect(splitText(b(line), 0, line.length)).toEqual(['datetime', '1 mains', 'a, b', '']);
    const f = new FieldSplitter('ws');
    expect(f.split(b('  1303132929   222.20 '), 0, 22)).toBe(2);
  });
  it('detects formats from the first line', () => {
    expect(detectFromText('TimeStamp,M_E,RSE\n1,2,3', 'x')).toBe('ampds');
    expect(detectFromText('Time,Aggregate,Kettle\n', 'x')).toBe('refit');
    expect(detectFromText('datetime,1 mains,2 mains\n', 'x')).toBe('redd');
    expect(detectFromText('seconds,mains,SO1\n', 'x')).toBe('redd-relative');
    expect(detectFromText('interval_end,interval_kW,interval_kWh,interval_start\n', 'x')).toBe(
      'utilityapi-csv',
    );
    expect(detectFromText('meter,channel,timestamp,value\n', 'x')).toBe('csv-long');
    expect(detectFromText('ServiceId,ServiceZipcode,Name,Type,ServiceMeterId\n', 'x')).toBe('registrations');
    expect(detectFromText('service_id,service_zipcode,name,type,service_meter_id,meter_id\n', 'x')).toBe(
      'registrations',
    );
    expect(detectFromText('ts,a,b\n', 'x')).toBe('csv-wide');
    expect(detectFromText('\uFEFF<?xml version="1.0"?><feed/>', 'x')).toBe('greenbutton');
    expect(detectFromText('{"intervals": []}', 'x')).toBe('utilityapi-json');
    expect(() => detectFromText('hello world', 'x')).toThrow(/pass --format/);
    // The simulator's catalog and truth files are not meter data: say what to import instead.
    expect(() => detectFromText('{\n "organisations": [', 'catalog.json')).toThrow(
      /simulator's catalog \(catalog\.json\).*import registrations\.csv/,
    );
    expect(() => detectFromText('meter_id,facility_id,kind,factor\n', 'heavy_meters.csv')).toThrow(
      /ground truth of heavy meters/,
    );
  });
});
