/**
 * What happens to a batch taken from the reading log: an idempotent store write, then the stream
 * processors (overshoot, pattern rules, windows and latest values). Timers flush windows and alerts,
 * advance time for silence rules and reload thresholds and rules. Used by `loadscope start` (memory
 * log) and by each `loadscope worker` (JetStream).
 */
import type { ReadingBatch, Threshold } from '../domain/types.ts';
import type { Lake } from '../lake/port.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_OVERSHOOT, type OvershootOptions, createOvershootProcessor } from '../stream/overshoot.ts';
import { createRuleEngine } from '../stream/rules/engine.ts';
import { thresholdNamesOf } from '../domain/rule-spec.ts';
import { createWindowAggregator } from '../stream/windows.ts';
import { type AlertForwarder, createAlertSink } from './alerts.ts';
import type { ChannelDirectory } from './directory.ts';
import type { EventHub } from './hub.ts';
import { createLiveWriter } from './live-writer.ts';

/** Options of {@link createPipeline}. */
export interface PipelineOptions {
  overshoot?: Partial<OvershootOptions>;
  /** Name of the batch layer's threshold to use for overshoot; default `p97`. */
  thresholdName?: string;
  /** How late (event time) a reading may arrive and still correct its windows; default 2 minutes. */
  allowedLatenessMs?: number;
  /** Window widths; default 1 and 15 minutes. */
  windowsMs?: number[];
  /** How often windows, latest values and alerts are flushed and silence is checked; default 1 s. */
  flushMs?: number;
  /** How often thresholds and rules are reloaded from the store; default 30 s. */
  reloadMs?: number;
}

/** Dependencies of {@link createPipeline}. */
export interface PipelineDeps {
  store: Pick<Store, 'readings' | 'live' | 'alerts' | 'rollups'>;
  /** The lake every stored batch is appended to as well (raw, cold tier); none when off. */
  lake?: Pick<Lake, 'append'>;
  directory: ChannelDirectory;
  hub: EventHub;
  forwarders?: AlertForwarder[];
  now?: () => number;
  onError?: (err: unknown) => void;
}

/** The processing stage. */
export interface Pipeline {
  /** Processes and stores a batch (the reading log's handler in workers). */
  handle(batch: ReadingBatch): Promise<void>;
  /**
   * Runs the processors on a batch and flushes its alerts. The embedded app calls it at ingest, before
   * the batch waits in the log, so alert latency does not include the store queue.
   */
  process(batch: ReadingBatch): Promise<void>;
  /** Writes a batch to the store (idempotent). */
  persist(batch: ReadingBatch): Promise<void>;
  /** Reloads thresholds and rules now (called after a rule edit). */
  reload(): Promise<void>;
  /** Flushes windows, latest values and alerts; checks silence rules. */
  flush(): Promise<void>;
  /** Starts the timers. */
  start(): Promise<void>;
  /** Stops the timers and flushes. */
  stop(): Promise<void>;
  /** Counters for metrics. */
  stats(): {
    batches: number;
    readings: number;
    inserted: number;
    duplicates: number;
    alerts: number;
    late: number;
    thresholds: number;
    rules: number;
  };
}

/** Reads thresholds when the store's rollup repository offers them (the batch layer's port). */
async function loadThresholds(rollups: unknown, name: string): Promise<Threshold[]> {
  const r = rollups as { getThresholds?: (name?: string) => Promise<Threshold[]> };
  return typeof r.getThresholds === 'function' ? r.getThresholds(name) : [];
}

/** Thresholds by name, then by channel id, for each name in `names` (duplicates read once). */
async function loadNamedThresholds(
  rollups: unknown,
  names: string[],
): Promise<Map<string, Map<string, number>>> {
  const loaded = new Map<string, Map<string, number>>();
  for (const name of new Set(names)) {
    const list = await loadThresholds(rollups, name);
    loaded.set(name, new Map(list.map((t) => [t.channelId, t.value])));
  }
  return loaded;
}

/** Sends the batch's readings to the live subscribers, one event per facility someone watches. */
function publishReadings(batch: ReadingBatch, directory: ChannelDirectory, hub: EventHub): void {
  if (hub.size() === 0) return;
  const byFacility = new Map<
    string,
    { orgId: string; channels: Map<string, { ts: number[]; value: number[] }> }
  >();
  for (let i = 0; i < batch.length; i++) {
    const id = batch.channelIds[batch.channel[i]!]!;
    const ch = directory.byId(id);
    if (!ch || !hub.wantsReadings(ch.orgId, ch.facilityId)) continue;
    let f = byFacility.get(ch.facilityId);
    if (!f) byFacility.set(ch.facilityId, (f = { orgId: ch.orgId, channels: new Map() }));
    let c = f.channels.get(id);
    if (!c) f.channels.set(id, (c = { ts: [], value: [] }));
    c.ts.push(batch.ts[i]!);
    c.value.push(batch.value[i]!);
  }
  for (const [facilityId, f] of byFacility)
    hub.publish({
      type: 'readings',
      orgId: f.orgId,
      facilityId,
      channels: [...f.channels].map(([channelId, c]) => ({ channelId, ...c })),
    });
}

/** Creates a pipeline. */
export function createPipeline(deps: PipelineDeps, opts: PipelineOptions = {}): Pipeline {
  const now = deps.now ?? Date.now;
  const onError = deps.onError ?? (() => undefined);
  const thresholdName = opts.thresholdName ?? 'p97';
  const sink = createAlertSink({
    alerts: deps.store.alerts,
    directory: deps.directory,
    hub: deps.hub,
    forwarders: deps.forwarders ?? [],
    now,
    onError,
  });
  let thresholds = new Map<string, number>();
  // Every threshold a rule names (p99 after `batch run --percentile 99`), not only the overshoot one.
  let named = new Map<string, Map<string, number>>();
  const overshoot = createOvershootProcessor({ ...DEFAULT_OVERSHOOT, ...opts.overshoot }, sink.signal);
  const rules = createRuleEngine({
    channelInfo: (id) => deps.directory.byId(id),
    threshold: (id, name) => named.get(name)?.get(id),
    emit: sink.signal,
  });
  const windows = createWindowAggregator({
    widthsMs: opts.windowsMs ?? [60_000, 900_000],
    allowedLatenessMs: opts.allowedLatenessMs ?? 120_000,
  });
  const liveWriter = createLiveWriter(deps.store.live, { onError });
  const counters = { batches: 0, readings: 0, inserted: 0, duplicates: 0, rules: 0 };
  let timers: NodeJS.Timeout[] = [];
  let flushing: Promise<void> | undefined;

  const pipeline: Pipeline = {
    async handle(batch) {
      await pipeline.process(batch);
      await pipeline.persist(batch);
    },
    process(batch) {
      // Processors before the store write, so an alert does not wait for the write of its batch. A
      // failed write makes the log redeliver the batch: processors skip what they already saw
      // (per-channel event time, window dedup) and alert ids are deterministic, so nothing counts twice.
      overshoot.process(batch);
      rules.process(batch);
      windows.process(batch);
      publishReadings(batch, deps.directory, deps.hub);
      return sink.flush();
    },
    async persist(batch) {
      const r = await deps.store.readings.write(batch);
      // After the store, which rejects unknown channels; a failure here has the log deliver the batch
      // again, which the store counts as duplicates and the lake's compaction removes.
      await deps.lake?.append(batch);
      counters.batches++;
      counters.readings += batch.length;
      counters.inserted += r.inserted;
      counters.duplicates += r.duplicates;
    },
    async reload() {
      const all = await deps.store.alerts.listRules();
      const loaded = await loadNamedThresholds(deps.store.rollups, [
        thresholdName,
        ...all.flatMap((r) => thresholdNamesOf(r.condition)),
      ]);
      named = loaded;
      thresholds = loaded.get(thresholdName)!;
      overshoot.setThresholds(thresholds);
      counters.rules = all.length;
      rules.setRules(all);
    },
    flush() {
      flushing ??= (async () => {
        try {
          rules.tick(now());
          await liveWriter.write(windows.flush());
          await sink.flush();
        } finally {
          flushing = undefined;
        }
      })();
      return flushing;
    },
    async start() {
      await deps.directory.refresh(true);
      await pipeline.reload();
      const every = (ms: number, fn: () => Promise<void>): void => {
        const t = setInterval(() => void fn().catch(onError), ms);
        t.unref();
        timers.push(t);
      };
      every(opts.flushMs ?? 1000, pipeline.flush);
      every(opts.reloadMs ?? 30_000, pipeline.reload);
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      timers = [];
      await pipeline.flush();
    },
    stats: () => ({
      ...counters,
      alerts: sink.raised(),
      late: windows.stats().late,
      thresholds: thresholds.size,
    }),
  };
  return pipeline;
}
