/**
 * Local times of a series (a file written by a logger in local time) to UTC, in one zone. A local time
 * that does not exist (the hour skipped when clocks go forward) is rejected. One that exists twice (the
 * hour repeated when clocks go back) takes the first occurrence, unless the previous time converted by
 * the same converter lies strictly between the two candidates; then it takes the second. A file
 * therefore keeps its order through the night clocks go back, and a new series (the next channel of a
 * long file) starts again at the first.
 */
import { type OffsetAt, zoneOffsets } from './offsets.ts';
import { wallInstants } from './wall.ts';

// Resolutions are cached per quarter hour of wall time: every zone changes on a quarter hour.
const SLOT = 15 * 60_000;

/** Converts local wall-clock times (as ms since a local epoch) to UTC ms in one IANA zone. */
export class LocalTimeConverter {
  private readonly offsets: OffsetAt;
  private readonly slots = new Map<number, { early: number; late: number }>();
  private lastSlot = NaN;
  private lastEarly = 0;
  private lastLate = 0;
  private prev = -Infinity;

  /** Throws RangeError for an unknown zone. */
  constructor(readonly zone: string) {
    this.offsets = zoneOffsets(zone);
  }

  /** Zone offset (local - UTC, ms) at UTC instant `utc`. */
  offsetAt(utc: number): number {
    return this.offsets(utc);
  }

  /** UTC ms for local wall-clock ms `local`, or NaN when that local time does not exist (DST gap). */
  toUtc(local: number): number {
    const slot = Math.floor(local / SLOT);
    if (slot !== this.lastSlot) {
      let r = this.slots.get(slot);
      if (!r) {
        const w = wallInstants(this.offsets, slot * SLOT);
        r = { early: slot * SLOT - w.early, late: slot * SLOT - w.late };
        this.slots.set(slot, r);
      }
      this.lastSlot = slot;
      this.lastEarly = r.early;
      this.lastLate = r.late;
    }
    if (Number.isNaN(this.lastEarly)) return NaN;
    let t = local - this.lastEarly;
    // Second occurrence when the previous reading already lies between the two candidates.
    if (this.lastLate !== this.lastEarly && t < this.prev && this.prev < local - this.lastLate)
      t = local - this.lastLate;
    this.prev = t;
    return t;
  }
}
