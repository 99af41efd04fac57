/**
 * The one time module, for the server and the web app alike: zone offsets, the rules for skipped and
 * repeated local times, local days (23 and 25 hours at a clock change), wall clocks and calendar
 * labels. Built on Temporal (see temporal.ts for why); nothing else in the code does time-zone
 * arithmetic.
 */
export { LocalTimeConverter } from './converter.ts';
export { localDate, localDays, type LocalDays } from './days.ts';
export {
  addDays,
  addMonths,
  dayLabel,
  dayNumber,
  daysInMonth,
  isoWeekday,
  prevMonth,
  weekStart,
} from './labels.ts';
export { isTimeZone, type OffsetAt, zoneOffsets } from './offsets.ts';
export { type Disambiguation, parseWall, wallInstants, type WallInstants, wallToUtc } from './wall.ts';
export { wallClock, type WallClock, type WallFields } from './wall-clock.ts';
export {
  COMPARISONS,
  type Comparison,
  type ComparedSpan,
  comparisonInstants,
  comparisonRange,
  type DateRange,
  MAX_RANGE_DAYS,
  type ParsedRange,
  parseRangeParams,
  periodDelta,
  presetRange,
  RANGE_PRESETS,
  type RangePreset,
  rangeDays,
  rangeInstants,
  type Resolution,
  RESOLUTIONS,
  resolutionFor,
} from './ranges.ts';
