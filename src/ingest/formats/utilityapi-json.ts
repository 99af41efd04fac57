/** UtilityAPI interval data as JSON (blocks of readings, or seed 002's rows); see utilityapi-common.ts. */
import { ConfigError, InputError } from '../../errors.ts';
import type { Format, FormatContext } from '../format.ts';
import type { ByteSource } from '../source.ts';
import { numberProblem, OUT_OF_RANGE, overflowMessage } from '../numbers.ts';
import { LocalTimeConverter } from '../../util/time/index.ts';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../worker-code.ts';
import { channelFor, instant, rowValue } from './utilityapi-common.ts';
import type { JsonWorkerData, JsonWorkerMessage } from './utilityapi-json-parts.ts';

const JSON_MAX_BYTES = 256 * 1024 * 1024;
/** Deepest nesting accepted; UtilityAPI interval JSON nests five deep (intervals, readings, datapoints). */
export const JSON_MAX_DEPTH = 64;

async function yieldTurn(ctx: FormatContext): Promise<void> {
  await ctx.out.drain();
  ctx.signal?.throwIfAborted();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * UtilityAPI interval JSON (read whole: API responses are bounded; larger files are refused). The
 * nesting check and `JSON.parse` run in a worker thread; the document comes back in slices of
 * 10,000 readings, parsed here one at a time between turns of the event loop.
 */
export const utilityapiJson: Format = {
  async run(ctx, source) {
    if (source!.size > JSON_MAX_BYTES)
      throw new ConfigError(
        '--format',
        `UtilityAPI JSON over ${JSON_MAX_BYTES} bytes is not supported; convert it to the CSV form`,
      );
    const bytes = await readWhole(source!);
    ctx.tick(source!.bytesRead());
    await ctx.catalog.loadOrgMeters();
    const conv = ctx.opts.tz ? new LocalTimeConverter(ctx.opts.tz) : null;
    const flat = flatRows(ctx, conv);
    let rootMeta: Record<string, unknown> = {};
    let block: ((r: Record<string, unknown>, ri: number) => void) | undefined;
    await sliceInWorker(ctx, bytes, async (m) => {
      if (m.type === 'too-deep')
        throw new InputError(
          `JSON nested deeper than ${JSON_MAX_DEPTH} levels at line ${m.line}, column ${m.column}; UtilityAPI interval JSON is an object with an 'intervals' array of blocks with 'readings' arrays (five levels)`,
          { file: ctx.file, line: m.line },
        );
      if (m.type === 'bad-json')
        throw new InputError(
          `not valid JSON${source!.error() ? ` (${source!.error()})` : ''}: ${m.message}`,
          { file: ctx.file },
        );
      if (m.type === 'root') {
        if (!m.hasIntervals)
          throw new InputError("not UtilityAPI interval JSON: expected an object with an 'intervals' array", {
            file: ctx.file,
            field: 'intervals',
          });
        const meta: unknown = m.meta === null ? null : JSON.parse(m.meta);
        rootMeta = meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {};
        return;
      }
      if (m.type !== 'parts') return;
      for (const part of m.parts) {
        if (part.k === 'block') {
          const raw = JSON.parse(part.block) as unknown;
          block = blockReader(ctx, conv, rootMeta, raw, part.index, part.hasReadings);
          continue;
        }
        const rows = JSON.parse(part.rows) as Record<string, unknown>[];
        if (part.k === 'flat') rows.forEach((r, j) => flat(r, part.first + j));
        else rows.forEach((r, j) => block?.(r, part.first + j));
        // Give the event loop a turn (and the store its batches) after each slice of 10,000 readings.
        await yieldTurn(ctx);
      }
    });
    await ctx.out.drain();
  },
};

/**
 * Reads one block's readings (`intervals[bi]`): its meta (over the root's) names the meter; a block
 * without a readings array is one counted rejection.
 */
function blockReader(
  ctx: FormatContext,
  conv: LocalTimeConverter | null,
  rootMeta: Record<string, unknown>,
  raw: unknown,
  bi: number,
  hasReadings: boolean,
): ((r: Record<string, unknown>, ri: number) => void) | undefined {
  const block = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const meta = {
    ...rootMeta,
    ...((block['meta'] as Record<string, unknown> | undefined) ?? {}),
  };
  const info: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(meta))
    if (typeof v === 'string' || typeof v === 'number') info[k] = String(v);
  const meter =
    info['service_uid'] ?? info['meter_uid'] ?? info['utility_meter_number'] ?? ctx.opts.meter ?? `main`;
  if (!hasReadings) {
    ctx.rejects.reject(
      0,
      `intervals[${bi}].readings`,
      'bad-structure',
      'expected a readings array (or a row with interval_start, interval_end and interval_kWh)',
      JSON.stringify(raw).slice(0, 200),
    );
    return undefined;
  }
  let ch: number | undefined;
  return (r: Record<string, unknown>, ri: number): void => {
    ctx.rows++;
    const where = `intervals[${bi}].readings[${ri}]`;
    const raw = (): string => JSON.stringify(r);
    const start = instant(String(r?.['start'] ?? ''), conv);
    if (Number.isNaN(start.ts))
      return ctx.rejects.reject(
        0,
        `${where}.start`,
        start.problem,
        `cannot use start '${String(r?.['start'])}'`,
        raw(),
      );
    const end = instant(String(r?.['end'] ?? ''), conv);
    if (Number.isNaN(end.ts) || end.ts <= start.ts)
      return ctx.rejects.reject(
        0,
        `${where}.end`,
        end.problem || 'bad-interval',
        `end '${String(r?.['end'])}' must be a time after start`,
        raw(),
      );
    let kwh = r?.['kwh'];
    if ((kwh === undefined || kwh === null) && Array.isArray(r?.['datapoints'])) {
      kwh = (r['datapoints'] as Record<string, unknown>[])
        .filter((d) => d?.['unit'] === 'kwh' || d?.['unit'] === undefined)
        .reduce((a, d) => a + Number(d?.['value']), 0);
    }
    const v =
      typeof kwh === 'number' ? kwh : typeof kwh === 'string' && kwh.trim() !== '' ? Number(kwh) : NaN;
    if (!Number.isFinite(v))
      return ctx.rejects.reject(
        0,
        `${where}.kwh`,
        numberProblem(String(kwh ?? '')),
        `expected a finite kwh, found ${JSON.stringify(kwh)}`,
        raw(),
      );
    if (!Number.isFinite(v * 1000))
      return ctx.rejects.reject(
        0,
        `${where}.kwh`,
        OUT_OF_RANGE,
        overflowMessage(v, '1000 (kWh to Wh)'),
        raw(),
      );
    ch ??= channelFor(ctx, meter, end.ts - start.ts, info);
    ctx.out.push(ch, start.ts, v * 1000);
  };
}

/**
 * Reads seed 002's rows written as JSON objects (the simulator's `utilityapi.json`), field by field as
 * the CSV reader does; rejections name `intervals[i].<field>`.
 */
function flatRows(
  ctx: FormatContext,
  conv: LocalTimeConverter | null,
): (row: Record<string, unknown>, i: number) => void {
  const channels = new Map<string, number>();
  return (row, i) => {
    ctx.rows++;
    const where = `intervals[${i}]`;
    const raw = (): string => JSON.stringify(row).slice(0, 1000);
    const get = (name: string): string | undefined => {
      for (const [k, v] of Object.entries(row))
        if (k.toLowerCase() === name) return v === null || v === undefined ? '' : String(v);
      return undefined;
    };
    const start = instant(get('interval_start') ?? '', conv);
    if (Number.isNaN(start.ts))
      return ctx.rejects.reject(
        0,
        `${where}.interval_start`,
        start.problem,
        `cannot use interval_start '${get('interval_start')}'`,
        raw(),
      );
    const end = instant(get('interval_end') ?? '', conv);
    if (Number.isNaN(end.ts) || end.ts <= start.ts)
      return ctx.rejects.reject(
        0,
        `${where}.interval_end`,
        end.problem || 'bad-interval',
        `interval_end '${get('interval_end')}' must be a time after interval_start`,
        raw(),
      );
    const v = rowValue(get, (end.ts - start.ts) / 3_600_000);
    if (!v.ok) return ctx.rejects.reject(0, `${where}.${v.field}`, v.reason, v.message, raw());
    const meter =
      get('service_uid')?.trim() || get('utility_meter_number')?.trim() || ctx.opts.meter || 'main';
    const key = `${meter}\u0001${v.kind.unit}`;
    let ch = channels.get(key);
    if (ch === undefined) {
      const info: Record<string, string | undefined> = {};
      for (const k of Object.keys(row)) info[k.toLowerCase()] = get(k.toLowerCase());
      ch = channelFor(ctx, meter, end.ts - start.ts, info, v.kind);
      channels.set(key, ch);
    }
    ctx.out.push(ch, start.ts, v.value);
  };
}

/**
 * The whole source in one buffer, copied chunk by chunk as it arrives (one 100 MB concatenation at
 * the end held the event loop for about 0.2 s); gzip, whose size is not known ahead, is concatenated.
 */
async function readWhole(source: ByteSource): Promise<Uint8Array> {
  if (source.gzip) {
    const parts: Buffer[] = [];
    for await (const c of source.chunks()) parts.push(c);
    return new Uint8Array(Buffer.concat(parts));
  }
  let out = new Uint8Array(source.size);
  let n = 0;
  for await (const c of source.chunks()) {
    if (n + c.length > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, n + c.length));
      grown.set(out.subarray(0, n));
      out = grown;
    }
    out.set(c, n);
    n += c.length;
  }
  return n === out.length ? out : out.slice(0, n);
}

/** Heap of the parsing worker, MB: a 256 MB file parses to about 1.5 GB of objects. */
const WORKER_HEAP_MB = 3072;

/**
 * Runs the JSON worker over `bytes` (transferred to it), handing each message to `onMessage` and
 * asking for more parts only after it has run; an error thrown by `onMessage` ends the worker.
 */
async function sliceInWorker(
  ctx: FormatContext,
  bytes: Uint8Array,
  onMessage: (m: JsonWorkerMessage) => Promise<void>,
): Promise<void> {
  const url = await workerUrl(
    new URL(`./utilityapi-json-worker${extname(import.meta.url)}`, import.meta.url),
  );
  // The buffer is the reader's own (see readWhole): handed over to the worker, not copied.
  const data: JsonWorkerData = { bytes, maxDepth: JSON_MAX_DEPTH };
  const worker = new Worker(url, {
    workerData: data,
    transferList: [bytes.buffer as ArrayBuffer],
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  await new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      ctx.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (err === undefined) resolve();
      else reject(err);
    };
    const onAbort = (): void => finish(ctx.signal!.reason);
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    let chain = Promise.resolve();
    worker.on('message', (m: JsonWorkerMessage) => {
      chain = chain
        .then(async () => {
          if (done) return;
          await onMessage(m);
          if (m.type === 'end' || m.type === 'too-deep' || m.type === 'bad-json') return finish();
          if (m.type === 'parts') worker.postMessage('more');
        })
        .catch(finish);
    });
    worker.on('error', (e: Error) =>
      finish(new InputError(`the JSON could not be read: ${e.message}`, { file: ctx.file }, { cause: e })),
    );
    worker.on('exit', () => {
      void chain.then(() =>
        finish(new InputError('the JSON reader stopped before the end of the file', { file: ctx.file })),
      );
    });
  });
}
