/**
 * A byte-keyed hash table for the hot loop of long CSVs: maps the raw bytes of a line's key fields
 * (meter, channel, unit) to a value without decoding them into strings. Open addressing, FNV-1a.
 */
import type { FieldSplitter } from './fields.ts';

/** Byte-keyed cache; call {@link get} first, then {@link set} for the same line on a miss. */
export class KeyCache<T> {
  private slots = new Int32Array(1024).fill(-1);
  private keys: Uint8Array[] = [];
  private values: T[] = [];
  private scratch = new Uint8Array(256);
  private len = 0;
  private hash = 0;

  /** Looks up the key made of `fields` of the last split of `buf`. */
  get(buf: Uint8Array, f: FieldSplitter, fields: readonly number[]): T | undefined {
    let n = 0;
    let h = 0x811c9dc5;
    for (let j = 0; j < fields.length; j++) {
      const s = f.starts[fields[j]!]!;
      const e = f.ends[fields[j]!]!;
      if (n + e - s + 1 > this.scratch.length) this.grow(n + e - s + 1);
      const sc = this.scratch;
      for (let i = s; i < e; i++) {
        const c = buf[i]!;
        sc[n++] = c;
        h = Math.imul(h ^ c, 0x01000193);
      }
      sc[n++] = 1;
      h = Math.imul(h ^ 1, 0x01000193);
    }
    this.len = n;
    this.hash = h >>> 0;
    const mask = this.slots.length - 1;
    for (let p = this.hash & mask; ; p = (p + 1) & mask) {
      const idx = this.slots[p]!;
      if (idx < 0) return undefined;
      const k = this.keys[idx]!;
      if (k.length === n && this.same(k, n)) return this.values[idx];
    }
  }

  /** Stores `value` under the key of the last {@link get}. */
  set(value: T): void {
    const idx = this.keys.length;
    this.keys.push(this.scratch.slice(0, this.len));
    this.values.push(value);
    this.insert(this.hash, idx);
    if (this.keys.length * 2 > this.slots.length) this.rehash();
  }

  private same(k: Uint8Array, n: number): boolean {
    const sc = this.scratch;
    for (let i = 0; i < n; i++) if (k[i] !== sc[i]) return false;
    return true;
  }

  private insert(hash: number, idx: number): void {
    const mask = this.slots.length - 1;
    let p = hash & mask;
    while (this.slots[p]! >= 0) p = (p + 1) & mask;
    this.slots[p] = idx;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.keys.forEach((k, idx) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k[i]!, 0x01000193);
      this.insert(h >>> 0, idx);
    });
  }

  private grow(min: number): void {
    const next = new Uint8Array(Math.max(min, this.scratch.length * 2));
    next.set(this.scratch);
    this.scratch = next;
  }
}
