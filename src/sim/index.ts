/**
 * The simulator's public API (stable; other features import it from here):
 * - `createFleet(options)`: catalog objects (domain types) + static ground truth;
 * - `generateReadings(fleet, { from, to })`: AsyncIterable of columnar ReadingBatch;
 * - `createLiveFeed(fleet, { speed, startAt, backfillDays, signal })`: readings paced in real time x speed;
 * - `buildTruth` / `spikesBetween`: the truth of a time range, as an object;
 * - writers for files, the store, MQTT and HTTP in `output/`.
 */
export { createFleet, type Fleet, type SimMeter, type StaticTruth, type MeterModel } from './fleet.ts';
export { NYC, type FleetOptions, type Region, type HeavyKind, type ResolvedFleetOptions } from './options.ts';
export { generateReadings, allocBatch, type ReadingRange } from './readings.ts';
export { buildTruth, spikesBetween, type FleetTruth, type Spike } from './truth.ts';
export {
  APPLIANCES,
  APPLIANCE_CONSTANTS,
  type ApplianceName,
  type UnusualLabel,
} from './model/appliances.ts';
