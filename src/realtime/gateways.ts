/**
 * Real meters in the real-time layer: `loadscope start --gateway tcp://host:port` follows a meter's
 * gateway (a DSMR P1 reader, or an SML IR head behind a serial bridge) and appends its readings to
 * the reading log as they arrive, so they reach live power, alerts and the store like any device's.
 * The gateway's facility, meter and channels are registered in the catalog on first sight (the same
 * names as `loadscope import tcp://...`), the connection is kept with the importer's reconnection
 * (1 s doubling to 30 s), and damaged telegrams or files are counted and logged, never fatal.
 *
 * A gateway is written as a URL: `tcp://10.0.0.5:2000` (DSMR, the default), with optional
 * `?format=sml`, `&facility=<id>` and `&org=<id>`.
 */
import { ConfigError } from '../errors.ts';
import { CatalogBuilder } from '../ingest/catalog.ts';
import { defaultsFor } from '../ingest/defaults.ts';
import { telegramReadings } from '../ingest/formats/dsmr.ts';
import { smlChannel, smlReadings } from '../ingest/formats/sml.ts';
import { LineSplitter } from '../ingest/lines.ts';
import { TelegramAssembler } from '../ingest/protocols/dsmr.ts';
import { openTcpSource, parseTcpUrl } from '../ingest/protocols/p1-tcp.ts';
import { SmlFramer } from '../ingest/protocols/sml.ts';
import type { ChannelSpec } from '../ingest/types.ts';
import type { ServiceType } from '../domain/types.ts';
import { slug } from '../ingest/catalog-routing.ts';
import { createBatchBuilder } from '../stream/batch.ts';
import type { Store } from '../store/store.ts';
import type { ChannelDirectory } from './directory.ts';
import type { ReadingLog } from './log/port.ts';
import type { Logger } from '../util/logger.ts';

/** One gateway to follow. */
export interface GatewaySpec {
  /** `tcp://host:port`, without the query. */
  url: string;
  format: 'dsmr' | 'sml';
  facility: string;
  orgId: string | undefined;
}

/** Parses `tcp://host:port[?format=dsmr|sml&facility=id&org=id]`; errors name the option. */
export function parseGateway(text: string): GatewaySpec {
  const q = text.indexOf('?');
  const url = q < 0 ? text : text.slice(0, q);
  try {
    parseTcpUrl(url);
  } catch (e) {
    throw new ConfigError('--gateway', e instanceof Error ? e.message : String(e));
  }
  const params = new URLSearchParams(q < 0 ? '' : text.slice(q + 1));
  for (const k of params.keys())
    if (!['format', 'facility', 'org'].includes(k))
      throw new ConfigError(
        '--gateway',
        `unknown parameter '${k}' in '${text}'; expected format, facility or org`,
      );
  const format = params.get('format') ?? 'dsmr';
  if (format !== 'dsmr' && format !== 'sml')
    throw new ConfigError('--gateway', `format must be dsmr or sml, got '${format}'`);
  const facility = params.get('facility') ?? defaultsFor(format, url).facility;
  if (slug(facility) === '') throw new ConfigError('--gateway', `'${facility}' is not a facility id`);
  return { url, format, facility: slug(facility), orgId: params.get('org') ?? undefined };
}

/** One reading decoded from a telegram or an SML file. */
interface GatewayReading {
  spec: ChannelSpec;
  service: ServiceType;
  ts: number;
  value: number;
}

/** Dependencies of {@link startGateways}. */
export interface GatewayDeps {
  store: Store;
  log: ReadingLog;
  directory: ChannelDirectory;
  /** Organisation of gateways that name none (the first administrator's). */
  orgId: string;
  /** Connection status and problems in the data, one component `gateway` line each. */
  logger: Logger;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/** Following gateways: readings appended so far and a stop. */
export interface Gateways {
  readonly readings: number;
  readonly problems: number;
  stop(): Promise<void>;
}

/** Least time between two logged problems of one gateway, ms (the counts are kept in between). */
const PROBLEM_LOG_MS = 60_000;

/** Starts following every gateway; connection failures are retried, never thrown. */
export function startGateways(specs: GatewaySpec[], deps: GatewayDeps): Gateways {
  const abort = new AbortController();
  const state = { readings: 0, problems: 0 };
  const runs = specs.map((g) =>
    follow(g, deps, abort.signal, state).catch((e: unknown) => {
      if (!abort.signal.aborted) deps.onError?.(e);
    }),
  );
  return {
    get readings() {
      return state.readings;
    },
    get problems() {
      return state.problems;
    },
    async stop() {
      abort.abort();
      await Promise.all(runs);
    },
  };
}

async function follow(
  g: GatewaySpec,
  deps: GatewayDeps,
  signal: AbortSignal,
  state: { readings: number; problems: number },
): Promise<void> {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ gateway: g.url });
  const d = defaultsFor(g.format, g.url);
  const catalog = new CatalogBuilder(
    deps.store,
    {
      orgId: g.orgId ?? deps.orgId,
      id: g.facility,
      name: g.facility,
      kind: d.kind,
      zip: null,
      address: null,
      timeZone: d.opts.tz ?? 'UTC',
      explicit: new Set(),
    },
    now,
  );
  const last = new Map<number, number>();
  let pending: GatewayReading[] = [];
  let skipped = 0;
  let lastLog = -Infinity;
  const problem = (where: string, why: string): void => {
    state.problems++;
    skipped++;
    if (now() - lastLog < PROBLEM_LOG_MS) return;
    log.warn(
      { problems: skipped },
      `${where}: ${why}${skipped > 1 ? ` (${skipped} problems since the last report)` : ''}`,
    );
    lastLog = now();
    skipped = 0;
  };
  // Registers new channels (a catalog write and a directory reload, once per channel), then appends.
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const known = catalog.channelIds.length;
    const index = batch.map((r) => {
      if (r.service !== 'electricity') catalog.meter(r.spec.meter, { serviceType: r.service });
      return catalog.channel(r.spec);
    });
    if (catalog.channelIds.length !== known) {
      await catalog.finish();
      await deps.directory.refresh(true);
    }
    const b = createBatchBuilder(batch.length);
    batch.forEach((r, i) => {
      const ch = index[i]!;
      // M-Bus registers repeat in every telegram until the meter reads again: one reading per change.
      if (last.get(ch) === r.ts) return;
      last.set(ch, r.ts);
      b.push(catalog.channelIds[ch]!, r.ts, r.value, 0);
    });
    if (b.length === 0) return;
    await deps.log.append(b.build());
    state.readings += b.length;
  };
  const source = openTcpSource(g.url, {
    signal,
    onStatus: (s, detail) => log.info(`${s}${detail ? ` (${detail})` : ''}`),
  });
  const push =
    g.format === 'dsmr'
      ? dsmrPusher(
          (r) => pending.push(r),
          (line, why) => problem(`line ${line}`, why),
          now,
        )
      : smlPusher(
          (r) => pending.push(r),
          (offset, why) => problem(`byte ${offset}`, why),
          now,
        );
  for await (const chunk of source.chunks()) {
    push(chunk);
    await flush().catch((e: unknown) => deps.onError?.(e));
  }
}

/** Feeds DSMR bytes through the telegram assembler; each telegram's readings dated by its own stamp. */
function dsmrPusher(
  emit: (r: GatewayReading) => void,
  problem: (line: number, why: string) => void,
  now: () => number,
): (chunk: Buffer) => void {
  const asm = new TelegramAssembler(
    (t) => {
      for (const r of telegramReadings(t, now())) emit(r);
    },
    (p) => problem(p.line, p.message),
  );
  const lines = new LineSplitter();
  return (chunk) =>
    lines.push(
      chunk,
      (buf, s, e, line) => asm.line(buf, s, e, line),
      (line, bytes) => problem(line, `a line of ${bytes} bytes (not a P1 telegram?)`),
    );
}

/** Feeds SML bytes through the framer; files dated on arrival (meters send seconds since start). */
function smlPusher(
  emit: (r: GatewayReading) => void,
  problem: (offset: number, why: string) => void,
  now: () => number,
): (chunk: Buffer) => void {
  const framer = new SmlFramer(
    (f) => {
      const ts = f.sensorTime?.kind === 'timestamp' ? f.sensorTime.seconds * 1000 : now();
      for (const r of smlReadings(f))
        emit({ spec: smlChannel(r), service: 'electricity', ts, value: r.value });
    },
    (p) => problem(p.offset, p.message),
  );
  return (chunk) => framer.push(chunk);
}
