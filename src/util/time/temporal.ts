/**
 * The one import of the time-zone library: Temporal (the TC39 proposal that replaces Date, native in
 * the newest engines) through fullcalendar's `temporal-polyfill`. Chosen over Luxon because Temporal
 * names the rules we need (time-zone transitions, `hoursInDay`, `startOfDay`, the four
 * disambiguations of a local time that is skipped or repeated) as a standard, and over
 * `@js-temporal/polyfill` because it is a fifth of the size in the web bundle and works on plain
 * numbers rather than an emulated BigInt. When Node and the browsers ship Temporal, this file is the
 * only one to change.
 */
export { Temporal } from 'temporal-polyfill';
