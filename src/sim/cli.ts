/**
 * `loadscope simulate`: a deterministic fleet written to files, loaded into the configured store,
 * and/or replayed live over MQTT or HTTP (backfill N days, then real time x speed).
 */
import { type Command, Option } from 'commander';
import type { CliContext } from '../cli/context.ts';
import type { ReadingBatch } from '../domain/types.ts';
import { ConfigError } from '../errors.ts';
import { type Fleet, createFleet } from './fleet.ts';
import { createLiveFeed } from './live.ts';
import { DAY_MS } from './model/calendar.ts';
import { type FleetOptions, NYC } from './options.ts';
import {
  FILE_FORMATS,
  type FileFormat,
  type FilesResult,
  importBackCommand,
  writeFleetFiles,
} from './output/files.ts';
import { postHttp } from './output/http.ts';
import { MQTT_MODES, type MqttMode, publishMqtt } from './output/mqtt.ts';
import { loadCatalog, loadIntoStore } from './output/store.ts';
import { createSimProgress } from './progress.ts';

interface SimulateCliOptions {
  seed: string;
  meters: string;
  orgs: string;
  prefix: string;
  from: string;
  days: string;
  sample: string;
  businessShare?: string;
  applianceShare?: string;
  unusualShare?: string;
  heavyShare?: string;
  gasShare?: string;
  waterShare?: string;
  pvShare?: string;
  batteryShare?: string;
  latitude?: string;
  longitude?: string;
  spikes?: string;
  minSpike?: string;
  zips?: string;
  tz?: string;
  out?: string;
  format: string;
  load?: boolean;
  mqtt?: string;
  mqttMode: MqttMode;
  mqttRoot: string;
  http?: string;
  token?: string;
  httpOrg?: string;
  live?: boolean;
  speed: string;
  backfillDays: string;
  json?: boolean;
}

function num(
  flag: string,
  raw: string | undefined,
  check: (n: number) => boolean,
  expected: string,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n))
    throw new ConfigError(flag, `expected ${expected}, got '${raw}'`);
  return n;
}

function time(flag: string, raw: string): number {
  if (raw === 'now') return Date.now();
  const t = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : Date.parse(raw);
  if (Number.isNaN(t))
    throw new ConfigError(flag, `expected 'now', a date (2024-01-01) or an ISO-8601 time, got '${raw}'`);
  return t;
}

/** Builds fleet options from the command line. */
export function fleetOptionsFromCli(o: SimulateCliOptions): FleetOptions {
  const share = (flag: string, raw: string | undefined): number | undefined =>
    num(flag, raw, (n) => n >= 0 && n <= 1, 'a share in 0..1');
  const opts: FleetOptions = {
    seed: num('--seed', o.seed, Number.isInteger, 'a whole number') as number,
    meters: num(
      '--meters',
      o.meters,
      (n) => Number.isInteger(n) && n >= 1 && n <= 1_000_000,
      'a whole number in 1..1,000,000',
    ) as number,
    orgs: num('--orgs', o.orgs, (n) => Number.isInteger(n) && n >= 1, 'a whole number >= 1'),
    idPrefix: o.prefix,
    sampleMs: (num('--sample', o.sample, (n) => n >= 1 && n <= 3600, 'seconds in 1..3600') as number) * 1000,
  };
  const set = <K extends keyof FleetOptions>(k: K, v: FleetOptions[K] | undefined): void => {
    if (v !== undefined) opts[k] = v;
  };
  set('businessShare', share('--business-share', o.businessShare));
  set('applianceShare', share('--appliance-share', o.applianceShare));
  set('unusualShare', share('--unusual-share', o.unusualShare));
  set('heavyShare', share('--heavy-share', o.heavyShare));
  set('gasShare', share('--gas-share', o.gasShare));
  set('waterShare', share('--water-share', o.waterShare));
  set('pvShare', share('--pv-share', o.pvShare));
  set('batteryShare', share('--battery-share', o.batteryShare));
  set(
    'spikesPerHouseDay',
    num('--spikes', o.spikes, (n) => n >= 0 && n <= 100, 'spikes per house per day in 0..100'),
  );
  const minSpike = num('--min-spike', o.minSpike, (n) => n >= 1, 'seconds >= 1');
  if (minSpike !== undefined) opts.minSpikeMs = minSpike * 1000;
  const latitude = num('--latitude', o.latitude, (n) => Math.abs(n) <= 90, 'degrees north in -90..90');
  const longitude = num('--longitude', o.longitude, (n) => Math.abs(n) <= 180, 'degrees east in -180..180');
  if (o.zips || o.tz || latitude !== undefined || longitude !== undefined) {
    const zips = o.zips
      ? o.zips
          .split(',')
          .map((z) => z.trim())
          .filter(Boolean)
      : NYC.zips;
    opts.region = {
      ...NYC,
      zips,
      ...(o.tz ? { timeZone: o.tz } : {}),
      ...(latitude !== undefined ? { latitude } : {}),
      ...(longitude !== undefined ? { longitude } : {}),
    };
  }
  return opts;
}

/** Registers `loadscope simulate`. */
export function registerSimulateCommands(program: Command, ctx: CliContext): void {
  const command = program
    .command('simulate')
    .description(
      'generate a deterministic simulated fleet with ground truth: files, store load, live MQTT/HTTP replay',
    );
  addFleetOptions(command);
  addOutputOptions(command);
  command.action((o: SimulateCliOptions) => runSimulate(ctx, o));
}

/** The options that shape the fleet and the simulated range. */
function addFleetOptions(command: Command): void {
  command
    .option('--seed <n>', 'seed of every random draw', '1')
    .option('--meters <n>', 'number of meters (1..1,000,000)', '20')
    .option('--orgs <n>', 'organisations the facilities are spread over', '1')
    .option('--prefix <id>', 'prefix of every id (facilities, meters, channels)', 'sim')
    .option('--from <time>', "start of the range: 'now', a date or an ISO-8601 time", '2024-01-01')
    .option('--days <n>', 'length of the range in days (files and store load)', '7')
    .option(
      '--sample <seconds>',
      'sampling interval of appliance-level houses (1..3600, divides a day)',
      '60',
    )
    .option('--business-share <x>', 'share of businesses (default 0.0614)')
    .option('--appliance-share <x>', 'share of households with appliance channels (default 0.25)')
    .option('--unusual-share <x>', 'share of homes with an unusual load (default 0.01)')
    .option('--heavy-share <x>', 'share of heavy electricity meters (default 0.01)')
    .option('--gas-share <x>', 'share of facilities with gas (default 0.35)')
    .option('--water-share <x>', 'share of facilities with water (default 0.2)')
    .option('--pv-share <x>', 'share of households with rooftop PV (default 0)')
    .option('--battery-share <x>', 'share of the PV homes that also have a home battery (default 0.3)')
    .option('--latitude <deg>', 'latitude of the region, for the sun (default 40.78, New York)')
    .option('--longitude <deg>', 'longitude of the region, for the sun (default -73.97)')
    .option('--spikes <n>', 'injected spikes per appliance-level house per day (default 0.2)')
    .option('--min-spike <seconds>', 'shortest spike (default 60)')
    .option('--zips <list>', 'comma-separated zip codes of the region (default New York City)')
    .option('--tz <zone>', 'IANA time zone of the region (default America/New_York)');
}

/** The options that say where the readings go: files, the store, MQTT or HTTP, live or not. */
function addOutputOptions(command: Command): void {
  command
    .option('--out <dir>', 'write files into this folder')
    .option(
      '--format <list>',
      `file formats, comma-separated: ${FILE_FORMATS.join(', ')}`,
      'csv,utilityapi-csv,utilityapi-json,parquet',
    )
    .option('--load', 'load the catalog and readings into the configured store (with --live: paced writes)')
    .option('--mqtt <url>', 'replay live to this MQTT broker (e.g. mqtt://127.0.0.1:1883)')
    .addOption(
      new Option('--mqtt-mode <mode>', 'one message per reading, JSON batches or compact frames')
        .choices([...MQTT_MODES])
        .default('batch'),
    )
    .option('--mqtt-root <topic>', 'first topic level', 'loadscope')
    .option('--http <url>', 'replay live by POST <url>/api/v1/readings')
    .option('--token <token>', 'bearer token for --http')
    .option('--http-org <id>', 'send only this organisation over HTTP (a device token belongs to one)')
    .option('--live', 'with --mqtt/--http: backfill, then continue in real time x --speed until interrupted')
    .option('--speed <x>', "simulated seconds per second, or 'max'", '1')
    .option('--backfill-days <n>', 'with --live: days of history sent first', '0')
    .option('--json', 'print a JSON summary');
}

/** The `simulate` action: builds the fleet, then writes, loads and/or replays it, and prints a summary. */
async function runSimulate(ctx: CliContext, o: SimulateCliOptions): Promise<void> {
  const fleet = createFleet(fleetOptionsFromCli(o));
  const days = num('--days', o.days, (n) => n > 0 && n <= 3660, 'days in (0, 3660]') as number;
  const live = Boolean(o.live);
  const from = live && o.from === '2024-01-01' ? Date.now() : time('--from', o.from);
  const to = from + days * DAY_MS;
  const formats = fileFormats(o.format);
  checkOutputs(o, live);
  const summary: Record<string, unknown> = {
    seed: fleet.options.seed,
    meters: fleet.meters.length,
    facilities: fleet.facilities.length,
    channels: fleet.channels.length,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  };
  if (o.out) summary['files'] = await writeFiles(ctx, fleet, o.out, { from, to, formats });
  if (o.load) summary['store'] = await loadStore(ctx, fleet, o, { from, to, live });
  if (o.mqtt || o.http) summary['live'] = await replay(ctx, fleet, o, { from, to, live });
  if (o.json) ctx.out.write(JSON.stringify(summary, null, 2) + '\n');
  else
    ctx.out.write(
      `simulated ${fleet.meters.length} meters (${fleet.channels.length} channels) ${summary['from']} .. ${summary['to']}\n` +
        (o.out && summary['files']
          ? `import back: ${importBackCommand(o.out, (summary['files'] as FilesResult).files)}\n`
          : ''),
    );
}

function fileFormats(raw: string): FileFormat[] {
  const formats = raw.split(',').map((f) => f.trim()) as FileFormat[];
  for (const f of formats) {
    if (!FILE_FORMATS.includes(f))
      throw new ConfigError('--format', `unknown format '${f}'; expected some of ${FILE_FORMATS.join(', ')}`);
  }
  return formats;
}

/** Fails fast when the command line asks for nothing to be written, or for a replay it cannot make. */
function checkOutputs(o: SimulateCliOptions, live: boolean): void {
  if (!o.out && !o.load && !o.mqtt && !o.http) {
    throw new ConfigError(
      'simulate',
      'nothing to do: give --out <dir>, --load, --mqtt <url> and/or --http <url>',
    );
  }
  if (live && !o.load && !o.mqtt && !o.http) {
    throw new ConfigError('--live', 'needs --mqtt, --http or --load');
  }
  if (o.http && !o.token) throw new ConfigError('--token', 'required with --http (a device or API token)');
}

async function writeFiles(
  ctx: CliContext,
  fleet: Fleet,
  out: string,
  r: { from: number; to: number; formats: FileFormat[] },
): Promise<Record<string, unknown>> {
  const p = createSimProgress(ctx.err, 'files');
  const result = await writeFleetFiles(fleet, {
    dir: ctx.resolvePath(out),
    from: r.from,
    to: r.to,
    formats: r.formats,
    onBatch: (n) => p.update(n),
  });
  p.done(result.readings);
  return { dir: out, ...result };
}

/** Loads the fleet into the configured store: all at once, or with --live as paced writes of the live feed. */
async function loadStore(
  ctx: CliContext,
  fleet: Fleet,
  o: SimulateCliOptions,
  r: { from: number; to: number; live: boolean },
): Promise<unknown> {
  const store = await ctx.store();
  const p = createSimProgress(ctx.err, `store (${store.kind})`);
  if (!r.live) {
    const result = await loadIntoStore(store, fleet, {
      from: r.from,
      to: r.to,
      onBatch: (x) => p.update(x.inserted + x.duplicates),
    });
    p.done(result.inserted + result.duplicates, `${result.inserted} new`);
    return result;
  }
  await loadCatalog(store, fleet);
  return replay(ctx, fleet, { ...o, mqtt: undefined, http: undefined }, r, async (feed) => {
    const totals = { inserted: 0, duplicates: 0 };
    for await (const b of feed) {
      const w = await store.readings.write(b);
      totals.inserted += w.inserted;
      totals.duplicates += w.duplicates;
      p.update(totals.inserted + totals.duplicates);
    }
    p.done(totals.inserted + totals.duplicates, `${totals.inserted} new`);
    return totals;
  });
}

async function replay(
  ctx: CliContext,
  fleet: Fleet,
  o: SimulateCliOptions,
  r: { from: number; to: number; live: boolean },
  sink?: (feed: AsyncIterable<ReadingBatch>) => Promise<unknown>,
): Promise<unknown> {
  const speed =
    o.speed === 'max'
      ? Infinity
      : (num('--speed', o.speed, (n) => n > 0, "a positive number or 'max'") as number);
  const backfillDays = num('--backfill-days', o.backfillDays, (n) => n >= 0, 'days >= 0') as number;
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    const feed = (): AsyncIterable<ReadingBatch> =>
      createLiveFeed(fleet, {
        speed: r.live ? speed : Infinity,
        startAt: r.live ? r.from : r.from,
        backfillDays: r.live ? backfillDays : 0,
        ...(r.live ? {} : { endAt: r.to }),
        signal: ac.signal,
      });
    const out: Record<string, unknown> = {};
    if (sink) out['written'] = await sink(feed());
    if (o.mqtt) {
      const p = createSimProgress(ctx.err, 'mqtt');
      out['mqtt'] = await publishMqtt(fleet, feed(), {
        url: o.mqtt,
        mode: o.mqttMode,
        root: o.mqttRoot,
        signal: ac.signal,
        onProgress: (x) => p.update(x.readings, `${x.messages} messages`),
      });
      p.done((out['mqtt'] as { readings: number }).readings);
    }
    if (o.http) {
      const p = createSimProgress(ctx.err, 'http');
      out['http'] = await postHttp(fleet, feed(), {
        url: o.http,
        token: o.token as string,
        ...(o.httpOrg ? { org: o.httpOrg } : {}),
        signal: ac.signal,
        onProgress: (x) => p.update(x.readings, `${x.requests} requests`),
      });
      p.done((out['http'] as { readings: number }).readings);
    }
    return out;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
}
