/**
 * The standing bad-input corpus of the live wire (issue 13): HTTP ingest bodies (JSON batch and
 * NDJSON) and MQTT payloads (single reading, JSON batch, compact frame, topics) through the real
 * ingest path, each with the reason it must get and the good readings of the same message that must
 * still land; plus properties: no payload throws, and every valid reading round-trips.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadingBatch } from '../../src/domain/types.ts';
import type { ChannelDirectory, ChannelInfo } from '../../src/realtime/directory.ts';
import { createIngest, type IngestOutcome } from '../../src/realtime/ingest.ts';
import type { ReadingLog } from '../../src/realtime/log/port.ts';
import { createQuarantine } from '../../src/realtime/quarantine.ts';
import { decodeCompact, decodeJson, decodeNdjson, encodeCompact } from '../../src/realtime/wire.ts';
import { createBatchBuilder } from '../../src/stream/batch.ts';

const NOW = Date.UTC(2026, 0, 15, 12);
const channel = (id: string, orgId: string, unit: ChannelInfo['unit'] = 'W'): ChannelInfo => ({
  id,
  orgId,
  facilityId: `${orgId}-f`,
  meterId: `${orgId}-m`,
  name: id.split(':').at(-1)!,
  isMains: true,
  measurement: unit === 'W' ? 'power' : 'interval',
  unit,
  intervalMs: null,
});
const CHANNELS = [
  channel('a:m:mains', 'a'),
  channel('a:m:energy', 'a', 'Wh'),
  channel('a:m:gas', 'a', 'm3'),
  channel('b:m:mains', 'b'),
];
const directory: ChannelDirectory = {
  byId: (id) => CHANNELS.find((c) => c.id === id),
  byName: (org, meter, name) =>
    CHANNELS.find((c) => c.orgId === org && c.meterId === meter && c.name === name),
  all: () => CHANNELS,
  refresh: () => Promise.resolve(),
};

/** An ingest path over a recording log; `landed` counts readings appended. */
function world(maxPayloadBytes = 64 * 1024) {
  const batches: ReadingBatch[] = [];
  const log: ReadingLog = {
    append: (b) => {
      batches.push(b);
      return Promise.resolve();
    },
    consume: () => {
      throw new Error('not used');
    },
    close: () => Promise.resolve(),
  };
  const quarantine = createQuarantine({ now: () => NOW });
  const ingest = createIngest({
    directory,
    log,
    quarantine,
    now: () => NOW,
    limits: { maxPayloadBytes, rate: { perSecond: 1_000, burst: 2_000 } },
  });
  return { ingest, quarantine, landed: () => batches.reduce((a, b) => a + b.length, 0) };
}

const device = { id: 'dev-a', orgId: 'a' };
const ok = (channelId = 'a:m:mains', extra: Record<string, unknown> = {}) => ({
  channel: channelId,
  ts: NOW - 60_000,
  value: 1200,
  ...extra,
});
const batch = (...items: unknown[]): string => JSON.stringify({ readings: items });
const compactOf = (rows: [string, number, number, number?][]): Buffer => {
  const b = createBatchBuilder(rows.length);
  for (const [id, ts, v, q] of rows) b.push(id, ts, v, q ?? 0);
  return encodeCompact(b.build());
};

/** One case: the message, the good readings that must land, and a fragment of each rejection reason. */
interface WireCase {
  name: string;
  run: (w: ReturnType<typeof world>) => Promise<IngestOutcome>;
  landed: number;
  reasons: string[];
}

const http =
  (body: string, format: 'json' | 'ndjson' = 'json') =>
  (w: ReturnType<typeof world>) =>
    w.ingest.http(device, body, format);
const mqtt = (topic: string, payload: string | Buffer) => (w: ReturnType<typeof world>) =>
  w.ingest.mqtt(device, topic, Buffer.isBuffer(payload) ? payload : Buffer.from(payload));

const valueCases: [string, unknown, string][] = [
  ['value as text', '12', 'expected a finite number'],
  ['value null', null, 'expected a finite number'],
  ['value missing', undefined, 'expected a finite number'],
  ['value object', { v: 1 }, 'expected a finite number'],
  ['value array', [1], 'expected a finite number'],
  ['value true', true, 'expected a finite number'],
  ['value 1e19 W (beyond the physical range)', 1e19, 'physical range'],
  ['value -1e10 W', -1e10, 'physical range'],
];
const tsCases: [string, unknown, string][] = [
  ['ts as local time without zone', '2026-01-15T11:00:00', 'expected UTC milliseconds or an ISO-8601 time'],
  ['ts as date only', '2026-01-15', 'expected UTC milliseconds or an ISO-8601 time'],
  ['ts as text', 'yesterday', 'expected UTC milliseconds or an ISO-8601 time'],
  ['ts null', null, 'expected UTC milliseconds or an ISO-8601 time'],
  ['ts missing', undefined, 'expected UTC milliseconds or an ISO-8601 time'],
  ['ts Feb 30', '2026-02-30T00:00:00Z', 'expected UTC milliseconds or an ISO-8601 time'],
  ['ts in 1970', 0, 'timestamp out of range'],
  ['ts two years ago', NOW - 2 * 365 * 86_400_000, 'timestamp out of range'],
  ['ts an hour ahead', NOW + 3_600_000, 'timestamp out of range'],
  ['ts -1e308', -1e308, 'timestamp out of range'],
];
const otherItemCases: [string, Record<string, unknown>, string][] = [
  ['quality 7', ok('a:m:mains', { quality: 7 }), 'expected 0-3'],
  ['quality -1', ok('a:m:mains', { quality: -1 }), 'expected 0-3'],
  ['quality 1.5', ok('a:m:mains', { quality: 1.5 }), 'expected 0-3'],
  ['channel missing', { ts: NOW, value: 1 }, 'expected a channel id'],
  ['channel empty', ok(''), 'expected a channel id'],
  ['channel a number', ok('a:m:mains', { channel: 42 }), 'expected a channel id'],
  ['unknown channel', ok('a:m:nope'), "unknown channel 'a:m:nope'"],
  ["another organisation's channel", ok('b:m:mains'), 'forbidden'],
  ['gas 1e10 m3', ok('a:m:gas', { value: 1e10 }), 'physical range'],
  ['energy 1e14 Wh', ok('a:m:energy', { value: 1e14 }), 'physical range'],
];

const CASES: WireCase[] = [];
// Every bad field in a JSON batch and in NDJSON, each beside a good reading that must still land.
for (const [name, value, why] of valueCases) {
  CASES.push({
    name: `HTTP JSON: ${name}`,
    run: http(batch(ok(), ok('a:m:mains', { value }))),
    landed: 1,
    reasons: [why],
  });
  CASES.push({
    name: `HTTP NDJSON: ${name}`,
    run: http(`${JSON.stringify(ok())}\n${JSON.stringify(ok('a:m:mains', { value }))}\n`, 'ndjson'),
    landed: 1,
    reasons: [why],
  });
  CASES.push({
    name: `MQTT single: ${name}`,
    run: mqtt('loadscope/a/a-m/mains', JSON.stringify({ ts: NOW - 1000, value })),
    landed: 0,
    reasons: [why],
  });
}
for (const [name, ts, why] of tsCases) {
  CASES.push({
    name: `HTTP JSON: ${name}`,
    run: http(batch(ok(), ok('a:m:mains', { ts }))),
    landed: 1,
    reasons: [why],
  });
  CASES.push({
    name: `MQTT batch: ${name}`,
    run: mqtt('loadscope/a/batch', batch(ok(), ok('a:m:mains', { ts }))),
    landed: 1,
    reasons: [why],
  });
}
for (const [name, item, why] of otherItemCases) {
  CASES.push({ name: `HTTP JSON: ${name}`, run: http(batch(ok(), item)), landed: 1, reasons: [why] });
  CASES.push({
    name: `HTTP NDJSON: ${name}`,
    run: http(`${JSON.stringify(item)}\n${JSON.stringify(ok())}`, 'ndjson'),
    landed: 1,
    reasons: [why],
  });
  CASES.push({
    name: `MQTT batch: ${name}`,
    run: mqtt('loadscope/a/batch', batch(item, ok())),
    landed: 1,
    reasons: [why],
  });
}
// Whole-message problems.
const whole: [string, WireCase['run'], string][] = [
  ['HTTP JSON: not JSON', http('{"readings": ['), 'malformed JSON'],
  ['HTTP JSON: empty body', http(''), 'malformed JSON'],
  ['HTTP JSON: an array, not an object', http('[1,2]'), 'expected {"readings"'],
  ['HTTP JSON: readings not an array', http('{"readings": 5}'), 'expected {"readings"'],
  ['HTTP JSON: null', http('null'), 'expected {"readings"'],
  ['HTTP JSON: nested 10,000 deep', http('['.repeat(10_000) + ']'.repeat(10_000)), 'expected {"readings"'],
  [
    'HTTP JSON: over the payload limit',
    http(batch(...Array.from({ length: 2_000 }, () => ok()))),
    'payload too large',
  ],
  ['HTTP NDJSON: a line of garbage', http('garbage\n', 'ndjson'), 'line 1: malformed JSON'],
  ['HTTP NDJSON: a bare number', http('42\n', 'ndjson'), 'expected an object'],
  ['MQTT: topic of another organisation', mqtt('loadscope/b/batch', batch(ok())), 'forbidden'],
  ['MQTT: topic outside the root', mqtt('other/a/batch', batch(ok())), 'forbidden'],
  ['MQTT: unknown topic shape', mqtt('loadscope/a/x/y/z', '{}'), 'unknown topic'],
  [
    'MQTT: unknown channel topic',
    mqtt('loadscope/a/a-m/nope', JSON.stringify({ ts: NOW, value: 1 })),
    'unknown channel',
  ],
  ['MQTT single: not JSON', mqtt('loadscope/a/a-m/mains', 'abc'), 'malformed JSON'],
  ['MQTT single: an array', mqtt('loadscope/a/a-m/mains', '[]'), 'expected an object'],
  [
    'MQTT compact: wrong magic',
    mqtt('loadscope/a/compact', Buffer.from('XX0100000000000000000000')),
    'magic',
  ],
  ['MQTT compact: too short', mqtt('loadscope/a/compact', Buffer.from('LS')), 'magic'],
  [
    'MQTT compact: version 2',
    mqtt('loadscope/a/compact', Buffer.from([0x4c, 0x53, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
    'unsupported version 2',
  ],
  [
    'MQTT compact: cut inside the readings',
    mqtt('loadscope/a/compact', compactOf([['a:m:mains', NOW, 1]]).subarray(0, 30)),
    'malformed compact frame',
  ],
  ['MQTT compact: empty payload', mqtt('loadscope/a/compact', Buffer.alloc(0)), 'magic'],
];
for (const [name, run, why] of whole) CASES.push({ name, run, landed: 0, reasons: [why] });
// Compact frames: bad readings beside good ones in the same frame.
const compactCases: [string, [string, number, number, number?][], string][] = [
  ['foreign channel', [['b:m:mains', NOW, 1]], 'forbidden'],
  ['unknown channel', [['a:m:zzz', NOW, 1]], 'unknown channel'],
  ['NaN value', [['a:m:mains', NOW, NaN]], 'expected a finite number'],
  ['infinite value', [['a:m:mains', NOW, Infinity]], 'expected a finite number'],
  ['1e19 W', [['a:m:mains', NOW, 1e19]], 'physical range'],
  ['fractional ts', [['a:m:mains', NOW + 0.5, 1]], 'timestamp out of range'],
  ['ts in the future', [['a:m:mains', NOW + 86_400_000, 1]], 'timestamp out of range'],
  ['quality 9', [['a:m:mains', NOW, 1, 9]], 'expected 0-3'],
];
for (const [name, rows, why] of compactCases)
  CASES.push({
    name: `MQTT compact: ${name}`,
    run: mqtt('loadscope/a/compact', compactOf([['a:m:mains', NOW - 5_000, 10], ...rows])),
    landed: 1,
    reasons: [why],
  });
CASES.push({
  name: 'HTTP JSON: a burst over the device rate limit',
  run: http(batch(...Array.from({ length: 2_500 }, (_, i) => ok('a:m:mains', { ts: NOW - i * 1000 })))),
  landed: 0,
  reasons: ['rate limit'],
});

describe('bad-input corpus of the live wire', () => {
  it(`has at least 100 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
  });

  for (const c of CASES)
    it(c.name, async () => {
      const w = world(c.name.includes('payload limit') ? 64 * 1024 : 1 << 20);
      const out = await c.run(w);
      expect(w.landed(), JSON.stringify(out.rejected)).toBe(c.landed);
      expect(out.accepted).toBe(c.landed);
      const text = out.rejected.map((e) => `${e.field ?? ''} ${e.reason}`);
      for (const why of c.reasons) expect(text.join(' | ')).toContain(why);
      // Each rejection says which item and field, when the message has several items.
      for (const e of out.rejected) expect(e.reason.length).toBeGreaterThan(5);
      // MQTT rejections are kept in the quarantine with the device and topic.
      if (c.name.startsWith('MQTT')) expect(w.quarantine.list().length).toBe(out.rejected.length);
    });
});

describe('wire decoders (properties)', () => {
  it('never throw on any text; compact frames throw only named input errors', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        decodeJson(s, 'single');
        decodeJson(s, 'batch');
        decodeNdjson(s);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeCompact(Buffer.from(bytes));
        } catch (e) {
          expect((e as Error).name).toBe('InputError');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trip every valid reading through JSON, NDJSON and compact frames', () => {
    const reading = fc.record({
      channel: fc.constantFrom('a:m:mains', 'a:m:energy', 'ä:µ:ch 1'),
      ts: fc.integer({ min: 0, max: 4_102_444_799_999 }),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      quality: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 30 }), (rows) => {
        const norm = rows.map((r) => ({ ...r, value: Object.is(r.value, -0) ? 0 : r.value }));
        const fromJson = decodeJson(JSON.stringify({ readings: norm }), 'batch');
        expect(fromJson.errors).toEqual([]);
        expect(fromJson.readings.map(({ index: _i, ...r }) => r)).toEqual(norm);
        const fromNd = decodeNdjson(norm.map((r) => JSON.stringify(r)).join('\n'));
        expect(fromNd.readings.map(({ index: _i, ...r }) => r)).toEqual(norm);
        const b = createBatchBuilder(Math.max(1, rows.length));
        for (const r of rows) b.push(r.channel, r.ts, r.value, r.quality);
        const back = decodeCompact(encodeCompact(b.build()));
        expect(Array.from(back.value)).toEqual(rows.map((r) => r.value));
        expect(Array.from(back.ts)).toEqual(rows.map((r) => r.ts));
        expect(Array.from(back.channel, (ci) => back.channelIds[ci])).toEqual(rows.map((r) => r.channel));
      }),
      { numRuns: 200 },
    );
  });
});
