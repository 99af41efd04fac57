import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../src/domain/types.ts';
import { type RuleForm, convert, formToRule, thresholdUnits } from './rule-form.ts';

const mains = { id: 'ch-mains', unit: 'W', name: 'mains', isMains: true } as Channel;
const gas = { id: 'ch-gas', unit: 'm3', name: 'gas', isMains: true } as Channel;
const form = (patch: Partial<RuleForm> = {}): RuleForm => ({
  name: 'high-load',
  facilityId: 'fac-1',
  channelId: 'ch-mains',
  kind: 'above',
  threshold: '3.5',
  unit: 'kW',
  duration: '5m',
  severity: 'warning',
  ...patch,
});

describe('rule builder', () => {
  it('offers the units of the channel family, its own first', () => {
    expect(thresholdUnits('W')).toEqual(['W', 'kW']);
    expect(thresholdUnits('kWh')).toEqual(['kWh', 'Wh']);
    expect(thresholdUnits('m3')).toEqual(['m3']);
    expect(convert(3.5, 'kW', 'W')).toBe(3500);
    expect(() => convert(1, 'kW', 'm3')).toThrow(/cannot apply/);
  });

  it('writes the same rule shape as the YAML editor, threshold in the channel unit', () => {
    expect(formToRule(form(), mains)).toEqual({
      name: 'high-load',
      severity: 'warning',
      scope: { channelIds: ['ch-mains'] },
      condition: { type: 'above', value: 3500, for: '5m' },
    });
    expect(formToRule(form({ channelId: '', kind: 'silent', duration: '15m' }), undefined)).toEqual({
      name: 'high-load',
      severity: 'warning',
      scope: { facilityIds: ['fac-1'], mainsOnly: true },
      condition: { type: 'silent', for: '15m' },
    });
    expect(formToRule(form({ kind: 'drop_to_zero', threshold: '100', unit: 'W' }), mains).condition).toEqual({
      type: 'drop_to_zero',
      from: 100,
    });
    expect(
      formToRule(form({ kind: 'below', threshold: '0,5', unit: 'm3', duration: '' }), gas).condition,
    ).toEqual({ type: 'below', value: 0.5 });
  });

  it('refuses what the API would refuse, naming the field', () => {
    expect(() => formToRule(form({ name: 'high load' }), mains)).toThrow(/name/);
    expect(() => formToRule(form({ name: '' }), mains)).toThrow(/name/);
    expect(() => formToRule(form({ threshold: 'lots' }), mains)).toThrow(
      /threshold: expected a number in kW/,
    );
    expect(() => formToRule(form({ duration: 'soon' }), mains)).toThrow(/for/);
    expect(() => formToRule(form({ kind: 'silent', duration: '' }), mains)).toThrow(/duration/);
    expect(() => formToRule(form({ facilityId: '' }), mains)).toThrow(/facility/);
  });
});
