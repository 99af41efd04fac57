/**
 * The explore page's range inputs and status line, in the time zone the user chose: the inputs read
 * and write wall time of that zone (not silently the browser's), and the status line names the zone.
 */
import { fromWallInput, toWallInput } from '../lib/time-zone.ts';
import { useZone } from '../lib/zone-choice.ts';

/** A time range, UTC ms. */
export interface TimeRange {
  from: number;
  to: number;
}

/** From and to as `datetime-local` inputs in the chosen zone. */
export function RangeInputs({
  range,
  onRange,
}: {
  range: TimeRange;
  onRange: (from: number, to: number) => void;
}) {
  const { zone, format } = useZone();
  const read = (v: string) => (v ? fromWallInput(v, zone) : NaN);
  return (
    <>
      <input
        type="datetime-local"
        step="1"
        value={toWallInput(range.from, format)}
        onChange={(e) => {
          const t = read(e.target.value);
          if (Number.isFinite(t)) onRange(t, range.to);
        }}
        aria-label="from"
        title={`from, in ${zone}`}
      />
      <input
        type="datetime-local"
        step="1"
        value={toWallInput(range.to, format)}
        onChange={(e) => {
          const t = read(e.target.value);
          if (Number.isFinite(t)) onRange(range.from, t);
        }}
        aria-label="to"
        title={`to, in ${zone}`}
      />
    </>
  );
}

/** `2026-12-02 06:46:50 → 2026-12-03 06:46:50 EST`. */
export function RangeText({ range }: { range: TimeRange }) {
  const { format } = useZone();
  return (
    <>
      {format.dateTime(range.from)} → {format.dateTime(range.to)} {format.short(range.to)}
    </>
  );
}
