/**
 * Worker thread of {@link writeParquetParallel}: rebuilds the fleet from its options (deterministic),
 * generates its shard of meters and writes it to its own Parquet parts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFleet } from '../fleet.ts';
import type { FleetOptions } from '../options.ts';
import { generateReadings } from '../readings.ts';
import { createParquetSink } from './parquet.ts';

/** What the parent sends. */
export interface ParquetWorkerData {
  entry: string;
  options: FleetOptions;
  from: number;
  to: number;
  dir: string;
  shard: { index: number; count: number };
}

const d = workerData as ParquetWorkerData;
const fleet = createFleet(d.options);
const sink = await createParquetSink({
  dir: d.dir,
  channels: fleet.channels,
  meterFacilities: new Map(fleet.meters.map((m) => [m.id, m.facilityId])),
  threads: 1,
  writeChannels: d.shard.index === 0,
  prefix: `readings-w${d.shard.index}`,
});
try {
  for await (const b of generateReadings(fleet, { from: d.from, to: d.to, shard: d.shard }))
    await sink.write(b);
} finally {
  parentPort?.postMessage({ readings: await sink.close() });
}
