/**
 * Splits one CSV line (a byte range) into field ranges without building strings. Quoted fields keep
 * the range inside the quotes (a doubled quote inside stays doubled; only header names and text
 * fields are decoded, see {@link fieldText}). `ws` splits on runs of spaces and tabs (REDD .dat files).
 */

/** Field separator: a byte (44 = comma, 59 = semicolon, 9 = tab) or `ws` for runs of blanks. */
export type Delimiter = number | 'ws';

/** Reusable field splitter. */
export class FieldSplitter {
  starts: Int32Array = new Int32Array(64);
  ends: Int32Array = new Int32Array(64);
  count = 0;

  constructor(readonly delimiter: Delimiter = 44) {}

  /** Splits `buf[start, end)`; returns the number of fields. */
  split(buf: Uint8Array, start: number, end: number): number {
    return this.delimiter === 'ws'
      ? this.splitBlank(buf, start, end)
      : this.splitDelim(buf, start, end, this.delimiter);
  }

  private add(s: number, e: number): void {
    if (this.count === this.starts.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[this.count] = s;
    this.ends[this.count] = e;
    this.count++;
  }

  private splitDelim(buf: Uint8Array, start: number, end: number, d: number): number {
    this.count = 0;
    let i = start;
    for (;;) {
      if (buf[i] === 34 && i < end) {
        const s = i + 1;
        let j = s;
        for (; j < end; j++) {
          if (buf[j] === 34) {
            if (buf[j + 1] === 34 && j + 1 < end) j++;
            else break;
          }
        }
        this.add(s, j);
        i = j + 1;
        while (i < end && buf[i] !== d) i++;
      } else {
        const s = i;
        while (i < end && buf[i] !== d) i++;
        this.add(s, i);
      }
      if (i >= end) break;
      i++;
      if (i === end) {
        this.add(end, end);
        break;
      }
    }
    return this.count;
  }

  private splitBlank(buf: Uint8Array, start: number, end: number): number {
    this.count = 0;
    let i = start;
    for (;;) {
      while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
      if (i >= end) break;
      const s = i;
      while (i < end && buf[i] !== 32 && buf[i] !== 9) i++;
      this.add(s, i);
    }
    return this.count;
  }
}

/** Decodes field `k` of the last split as UTF-8 text (doubled quotes undone, a BOM dropped). */
export function fieldText(buf: Buffer, f: FieldSplitter, k: number): string {
  const t = buf.toString('utf8', f.starts[k], f.ends[k]).replace(/""/g, '"');
  return t.charCodeAt(0) === 0xfeff ? t.slice(1) : t;
}

/** Splits a whole line into decoded texts (headers and other cold paths). */
export function splitText(buf: Buffer, start: number, end: number, delimiter: Delimiter = 44): string[] {
  const f = new FieldSplitter(delimiter);
  const n = f.split(buf, start, end);
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push(fieldText(buf, f, k).trim());
  return out;
}
