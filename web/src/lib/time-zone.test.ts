import { describe, expect, it } from 'vitest';
import {
  fromWallInput,
  parseZoneChoice,
  resolveZone,
  toWallInput,
  zoneCaption,
  zoneFormat,
} from './time-zone.ts';

// 2024-03-10 07:30 UTC: 03:30 EDT in New York, the morning daylight saving began there.
const SPRING = Date.UTC(2024, 2, 10, 7, 30, 5);

describe('time zones', () => {
  it('parses only the three choices', () => {
    expect(['facility', 'browser', 'utc', 'local', null].map(parseZoneChoice)).toEqual([
      'facility',
      'browser',
      'utc',
      undefined,
      undefined,
    ]);
  });

  it('resolves a choice to a zone, the browser standing in for a missing facility zone', () => {
    expect(resolveZone('facility', 'America/New_York', 'Europe/Berlin')).toBe('America/New_York');
    expect(resolveZone('facility', undefined, 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(resolveZone('browser', 'America/New_York', 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(resolveZone('utc', 'America/New_York', 'Europe/Berlin')).toBe('UTC');
  });

  it('formats instants in the zone, daylight saving included', () => {
    const ny = zoneFormat('America/New_York');
    expect(ny.dateTime(SPRING)).toBe('2024-03-10 03:30:05');
    expect(ny.hourLabel(SPRING)).toBe('2024-03-10T03');
    expect(ny.short(SPRING)).toBe('EDT');
    expect(ny.short(SPRING - 3 * 3600_000)).toBe('EST');
    const utc = zoneFormat('UTC');
    expect(utc.dateTime(SPRING)).toBe('2024-03-10 07:30:05');
    expect(utc.hourLabel(Date.UTC(2024, 0, 1, 0))).toBe('2024-01-01T00');
  });

  it('names the zone and whose time it is', () => {
    expect(zoneCaption('facility', 'America/New_York', 'EST', true)).toBe(
      "America/New_York (EST), the facility's time",
    );
    expect(zoneCaption('facility', 'Europe/Berlin', 'CET', false)).toBe(
      "Europe/Berlin (CET), this browser's time",
    );
    expect(zoneCaption('utc', 'UTC', 'UTC', true)).toBe('UTC');
  });

  it('reads and writes range inputs as wall time of the zone, across daylight saving', () => {
    const ny = zoneFormat('America/New_York');
    expect(toWallInput(SPRING, ny)).toBe('2024-03-10T03:30:05');
    expect(fromWallInput('2024-03-10T03:30:05', 'America/New_York')).toBe(SPRING);
    expect(fromWallInput('2024-03-10T01:30', 'America/New_York')).toBe(Date.UTC(2024, 2, 10, 6, 30));
    // 02:30 does not exist that morning: it lands after the gap, at 03:30 EDT.
    expect(fromWallInput('2024-03-10T02:30', 'America/New_York')).toBe(Date.UTC(2024, 2, 10, 7, 30));
    // 01:30 happens twice on 3 November: the first (EDT) is taken.
    expect(fromWallInput('2024-11-03T01:30', 'America/New_York')).toBe(Date.UTC(2024, 10, 3, 5, 30));
    expect(fromWallInput('2024-06-01T12:00', 'UTC')).toBe(Date.UTC(2024, 5, 1, 12));
    expect(fromWallInput('next tuesday', 'UTC')).toBeNaN();
  });
});
