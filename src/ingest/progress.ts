/**
 * Progress display for the CLI: a cli-progress bar (bytes read of the file's size) when stderr is a
 * terminal, otherwise one plain line every few seconds so that logs stay readable.
 */
import { SingleBar } from 'cli-progress';
import type { ImportProgress } from './types.ts';

/** A progress sink for one file at a time. */
export interface ProgressDisplay {
  update(p: ImportProgress): void;
  done(): void;
}

const PLAIN_EVERY_MS = 5000;

/** A bar on a TTY, plain lines otherwise. `now` is injectable for tests. */
export function createProgress(
  err: NodeJS.WritableStream & { isTTY?: boolean },
  now: () => number = Date.now,
): ProgressDisplay {
  if (err.isTTY) {
    let bar: SingleBar | null = null;
    return {
      update(p) {
        if (!bar) {
          bar = new SingleBar({
            stream: err,
            format:
              '{file} [{bar}] {percentage}% | {mb}/{totalMb} MB | {readings} readings | {duration_formatted}',
            hideCursor: true,
          });
          bar.start(Math.max(1, p.bytesTotal), 0, {
            file: short(p.file),
            mb: '0',
            totalMb: mb(p.bytesTotal),
            readings: 0,
          });
        }
        bar.update(p.bytesRead, { mb: mb(p.bytesRead), readings: p.readings.toLocaleString('en-US') });
      },
      done() {
        bar?.stop();
        bar = null;
      },
    };
  }
  let last = 0;
  let lastBytes = -1;
  return {
    update(p) {
      const t = now();
      if (p.bytesRead === lastBytes || (t - last < PLAIN_EVERY_MS && p.bytesRead < p.bytesTotal)) return;
      last = t;
      lastBytes = p.bytesRead;
      const pct = p.bytesTotal ? ((100 * p.bytesRead) / p.bytesTotal).toFixed(1) : '?';
      err.write(
        `import ${short(p.file)}: ${pct}% (${mb(p.bytesRead)}/${mb(p.bytesTotal)} MB), ${p.rows} rows, ${p.readings} readings\n`,
      );
    },
    done() {
      last = 0;
      lastBytes = -1;
    },
  };
}

function mb(n: number): string {
  return (n / 1e6).toFixed(1);
}

function short(file: string): string {
  return file.length > 40 ? '...' + file.slice(-37) : file;
}
