/** Durations in rules and options: a number of milliseconds or a string such as `90s`, `15m`, `2h`, `1d`. */
import { InputError } from '../errors.ts';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration as written by a user. */
export type DurationInput = number | string;

/** Parses a duration to milliseconds; throws {@link InputError} naming `field` when it is not one. */
export function parseDuration(input: DurationInput, field = 'duration'): number {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input >= 0) return input;
    throw new InputError(`expected a non-negative number of milliseconds, got ${input}`, { field });
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(input);
  if (!m)
    throw new InputError(`expected a duration like 500ms, 30s, 15m, 2h or 1d, got '${input}'`, { field });
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
