/** The staged form of NILM jobs: the model, and per shard the facilities' mains on the model's grid. */
import { readFile } from 'node:fs/promises';
import type { NilmModel } from '../../nilm/types.ts';
import type { ApplianceDailyEnergy, ApplianceInventoryItem } from '../../store/ports/nilm.ts';
import { stagePaths, writeAtomic } from '../staging.ts';

/** Parameters of a NILM job, in the manifest. */
export interface NilmJobParams {
  modelId: string;
  facilityIds?: string[];
  from: number;
  to: number;
}

/** One facility in a shard's header. */
export interface StagedMains {
  id: string;
  timeZone: string;
  t0: number;
  length: number;
  offset: number;
}

/** What a shard returns per facility. */
export interface NilmShardResult {
  facilityId: string;
  daily: ApplianceDailyEnergy[];
  inventory: ApplianceInventoryItem[];
  /** 15-minute mean power per appliance, NaN as null. */
  series: { appliance: string; t0: number; periodMs: number; power: (number | null)[] }[];
}

/** Writes the model shared by all shards. */
export async function writeModel(dir: string, modelId: string, model: NilmModel): Promise<void> {
  await writeAtomic(stagePaths.shared(dir, 'model'), JSON.stringify({ modelId, model }));
}

/** Reads the staged model. */
export async function readModel(dir: string): Promise<{ modelId: string; model: NilmModel }> {
  return JSON.parse(await readFile(stagePaths.shared(dir, 'model'), 'utf8')) as {
    modelId: string;
    model: NilmModel;
  };
}

/** Writes a shard's mains. */
export async function writeMains(
  dir: string,
  index: number,
  facilities: StagedMains[],
  mains: Float64Array,
): Promise<void> {
  await writeAtomic(
    stagePaths.inputBin(dir, index),
    new Uint8Array(mains.buffer, mains.byteOffset, mains.byteLength),
  );
  await writeAtomic(stagePaths.input(dir, index), JSON.stringify({ facilities }));
}

/** Reads a shard's mains. */
export async function readMains(
  dir: string,
  index: number,
): Promise<{ facilities: StagedMains[]; mains: Float64Array }> {
  const { facilities } = JSON.parse(await readFile(stagePaths.input(dir, index), 'utf8')) as {
    facilities: StagedMains[];
  };
  const bin = await readFile(stagePaths.inputBin(dir, index));
  const copy = new Uint8Array(bin.byteLength);
  copy.set(bin);
  return { facilities, mains: new Float64Array(copy.buffer) };
}
