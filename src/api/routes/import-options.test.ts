import { describe, expect, it } from 'vitest';
import { importOptionsOf, messageForUpload } from './import-options.ts';

describe('upload settings', () => {
  it("rewrites the importer's CLI flags into the upload's settings and the temp path into the file name", () => {
    const tmp = '/tmp/ls-upload-x1/my_house.csv';
    expect(
      messageForUpload(
        `${tmp}:1: cannot tell the format from the first line 'x'; pass --format`,
        tmp,
        'my house.csv',
      ),
    ).toBe("my house.csv:1: cannot tell the format from the first line 'x'; set Format (format)");
    expect(
      messageForUpload('--tz: local timestamps need a time zone, e.g. --tz Europe/London', tmp, 'a.csv'),
    ).toBe('Time zone (tz): local timestamps need a time zone, e.g. Time zone (tz) Europe/London');
    expect(
      messageForUpload(
        'no value column (looked for value); name it with the matching --*-col option',
        tmp,
        'a.csv',
      ),
    ).toBe(
      'no value column (looked for value); set column settings (tsCol, valueCol, channelCol, meterCol, unitCol)',
    );
    // Flags an upload does not take stay as they are, and so does text that only looks like one.
    expect(messageForUpload('use --limit for a preview of a well-formed file', tmp, 'a.csv')).toBe(
      'use --limit for a preview of a well-formed file',
    );
  });

  it('passes only the settings given, interval in seconds as ms', () => {
    expect(importOptionsOf({ filename: 'a.csv' })).toEqual({});
    expect(
      importOptionsOf({ filename: 'a.csv', unit: 'kW', interval: 0.5, kind: 'public', tsCol: 'when' }),
    ).toEqual({
      unit: 'kW',
      intervalMs: 500,
      facilityKind: 'public',
      tsCol: 'when',
    });
  });
});
