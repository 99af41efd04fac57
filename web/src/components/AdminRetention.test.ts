import { describe, expect, it } from 'vitest';
import { parseDays } from './AdminRetention.tsx';

describe('retention days field', () => {
  it('takes whole days from 1 to 36,500 and names the field otherwise', () => {
    expect(parseDays(' 35 ', 'raw readings')).toBe(35);
    expect(parseDays('36500', 'raw readings')).toBe(36_500);
    expect(String(parseDays('', 'raw readings'))).toMatch(/raw readings: expected whole days/);
    expect(String(parseDays('3.5', 'minute aggregates'))).toMatch(/minute aggregates: expected whole days/);
    expect(String(parseDays('0', 'raw readings'))).toMatch(/expected 1 to 36500 days/);
    expect(String(parseDays('40000', 'raw readings'))).toMatch(/expected 1 to 36500 days/);
  });
});
