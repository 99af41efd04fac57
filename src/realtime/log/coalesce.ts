/**
 * Appends grouped on their way into a log whose every append is a round trip of its own (JetStream:
 * one acknowledged publish per partition of a batch). A meter that sends its own reading in its own
 * MQTT message made one JetStream publish per reading: the bridge and NATS then spent about 0.5 ms of
 * CPU per reading (measured, docs/deploy.md). Here appends that arrive within `maxWaitMs` of each other
 * go as one batch (up to `maxReadings`), and each caller's promise settles with that append, so an MQTT
 * publish is still acknowledged only once the log holds its readings.
 */
import type { ReadingBatch } from '../../domain/types.ts';
import { concatBatches } from '../../stream/batch.ts';

/** Options of {@link coalesceAppends}. */
export interface CoalesceOptions {
  /** How long the first append of a group waits for more; default 5 ms. */
  maxWaitMs?: number;
  /** A group goes once it holds this many readings; a batch this large on its own goes at once. Default 5,000. */
  maxReadings?: number;
}

/** An append function that groups, and `flush` to send what waits now (before closing the log). */
export interface CoalescedAppend {
  append(batch: ReadingBatch): Promise<void>;
  /** Sends the waiting group, if any, and resolves once every append sent so far has settled. */
  flush(): Promise<void>;
}

interface Group {
  batches: ReadingBatch[];
  readings: number;
  waiters: { resolve: () => void; reject: (err: unknown) => void }[];
  timer: NodeJS.Timeout;
}

/** Groups calls of `append` (see the file comment). */
export function coalesceAppends(
  append: (batch: ReadingBatch) => Promise<void>,
  opts: CoalesceOptions = {},
): CoalescedAppend {
  const maxWaitMs = opts.maxWaitMs ?? 5;
  const maxReadings = opts.maxReadings ?? 5000;
  let group: Group | undefined;
  const sending = new Set<Promise<void>>();

  const track = (p: Promise<void>): Promise<void> => {
    const t = p.then(
      () => undefined,
      () => undefined,
    );
    sending.add(t);
    void t.finally(() => sending.delete(t));
    return p;
  };

  const send = (): void => {
    const g = group;
    if (!g) return;
    group = undefined;
    clearTimeout(g.timer);
    const batch = g.batches.length === 1 ? g.batches[0]! : concatBatches(g.batches);
    track(append(batch)).then(
      () => g.waiters.forEach((w) => w.resolve()),
      (err: unknown) => g.waiters.forEach((w) => w.reject(err)),
    );
  };

  return {
    append(batch) {
      if (batch.length >= maxReadings && !group) return track(append(batch));
      return new Promise<void>((resolve, reject) => {
        group ??= { batches: [], readings: 0, waiters: [], timer: setTimeout(send, maxWaitMs) };
        group.batches.push(batch);
        group.readings += batch.length;
        group.waiters.push({ resolve, reject });
        if (group.readings >= maxReadings) send();
      });
    },
    async flush() {
      send();
      await Promise.all([...sending]);
    },
  };
}
