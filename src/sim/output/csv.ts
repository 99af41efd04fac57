/**
 * Long CSV output: one reading per line, `channel_id,ts,value,quality`, ts in UTC ISO-8601 with
 * milliseconds, values in the channel's unit (see channels.csv).
 */
import type { ReadingBatch } from '../../domain/types.ts';
import { type TextFile, createIsoUtc, openTextFile } from './text-file.ts';

/** Header of the long CSV. */
export const LONG_CSV_HEADER = 'channel_id,ts,value,quality\n';

/** A long-CSV writer. */
export interface LongCsvSink {
  write(batch: ReadingBatch): Promise<void>;
  /** Returns the number of readings written. */
  close(): Promise<number>;
}

/** Opens a long-CSV file. */
export async function createLongCsvSink(path: string): Promise<LongCsvSink> {
  const file: TextFile = openTextFile(path);
  await file.write(LONG_CSV_HEADER);
  let total = 0;
  const isoUtc = createIsoUtc();
  return {
    async write(b) {
      const lines: string[] = [];
      for (let i = 0; i < b.length; i++) {
        lines.push(
          `${b.channelIds[b.channel[i] as number]},${isoUtc(b.ts[i] as number)},${b.value[i]},${b.quality[i]}\n`,
        );
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
