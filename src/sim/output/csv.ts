/**
 * Long CSV output: one reading per line, `facility_id,meter_id,channel,ts,value,unit,quality`, ts in
 * UTC ISO-8601 with milliseconds, values in the channel's unit. The facility, meter and unit columns
 * make the file import back on its own (`loadscope import readings.csv` places every meter in its
 * facility and reads the unit per line); `channel` is the channel's name inside its meter.
 */
import type { ReadingBatch } from '../../domain/types.ts';
import type { Fleet } from '../fleet.ts';
import { type TextFile, createIsoUtc, openTextFile } from './text-file.ts';
import { csvField } from '../../util/csv.ts';

/** Header of the long CSV. */
export const LONG_CSV_HEADER = 'facility_id,meter_id,channel,ts,value,unit,quality\n';

/** A long-CSV writer. */
export interface LongCsvSink {
  write(batch: ReadingBatch): Promise<void>;
  /** Returns the number of readings written. */
  close(): Promise<number>;
}

/** Opens a long-CSV file for the fleet's readings. */
export async function createLongCsvSink(path: string, fleet: Fleet): Promise<LongCsvSink> {
  const file: TextFile = openTextFile(path);
  // Per channel index: `facility,meter,channel,` and `,unit,`; batches use the fleet's channel order.
  const head = fleet.channels.map((c, k) => {
    const m = fleet.sim[fleet.channelMeter[k] as number]?.meter;
    return `${csvField(m?.facilityId ?? '')},${csvField(c.meterId)},${csvField(c.name)},`;
  });
  const unit = fleet.channels.map((c) => `,${c.unit},`);
  await file.write(LONG_CSV_HEADER);
  let total = 0;
  const isoUtc = createIsoUtc();
  return {
    async write(b) {
      const lines: string[] = [];
      for (let i = 0; i < b.length; i++) {
        const k = b.channel[i] as number;
        lines.push(`${head[k]}${isoUtc(b.ts[i] as number)},${b.value[i]}${unit[k]}${b.quality[i]}\n`);
        if (lines.length === 8192) {
          await file.write(lines.join(''));
          lines.length = 0;
        }
      }
      await file.write(lines.join(''));
      total += b.length;
    },
    async close() {
      await file.close();
      return total;
    },
  };
}
