/** Decoding of what Grafana interpolates into targets and payloads. */
import { describe, expect, it } from 'vitest';
import { expandVariable, passesFilters, payloadValues } from './grafana-targets.ts';

describe('grafana targets', () => {
  it('expands Grafana regex-formatted variables', () => {
    expect(expandVariable('ch-1')).toEqual(['ch-1']);
    expect(expandVariable('(ch-1|ch-2)')).toEqual(['ch-1', 'ch-2']);
    expect(expandVariable('meter\\.1\\|a')).toEqual(['meter.1|a']);
    expect(expandVariable('(a\\|b|c\\(d\\))')).toEqual(['a|b', 'c(d)']);
    expect(expandVariable('x\\(1\\)')).toEqual(['x(1)']);
    expect(expandVariable('  ')).toEqual([]);
  });
  it('reads payload fields as strings or lists, naming a bad one', () => {
    expect(payloadValues({ channel: ['(a|b)', 'c'] }, 'channel')).toEqual(['a', 'b', 'c']);
    expect(payloadValues(undefined, 'channel')).toEqual([]);
    expect(() => payloadValues({ channel: 3 }, 'channel')).toThrow("field 'payload.channel'");
  });
  it('applies ad hoc filters on facility attributes', () => {
    const f = { id: 'f1', name: 'Bakery', zip: '10115', kind: 'commercial' };
    expect(passesFilters(f, [{ key: 'zip', operator: '=', value: '10115' }])).toBe(true);
    expect(passesFilters(f, [{ key: 'kind', operator: '!=', value: 'commercial' }])).toBe(false);
    expect(passesFilters(f, [{ key: 'facility', operator: '=~', value: '^Bak' }])).toBe(true);
    expect(() => passesFilters(f, [{ key: 'zip', operator: '>', value: '1' }])).toThrow(
      "field 'adhocFilters[0].operator'",
    );
  });
});
