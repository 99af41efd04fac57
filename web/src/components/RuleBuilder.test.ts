/** The rule builder form: what choosing a facility, a channel and a kind does, and what it shows. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Api } from '../api/endpoints.ts';
import type { Channel } from '../api/types.ts';
import {
  EMPTY_RULE_FORM,
  type RuleForm,
  chooseChannel,
  chooseFacility,
  kindFields,
  previewRule,
} from '../lib/rule-form.ts';
import { ConditionFields, RuleBuilder, RulePreview, TargetFields } from './RuleBuilder.tsx';

const channel = (id: string, unit: Channel['unit'], isMains = false): Channel => ({
  id,
  meterId: 'm1',
  name: id,
  isMains,
  appliance: isMains ? null : id,
  measurement: unit === 'W' || unit === 'kW' ? 'power' : 'interval',
  unit,
  intervalMs: 60_000,
  maxGapMs: null,
  rolloverAt: null,
});
const channels = [channel('mains', 'W', true), channel('boiler', 'kWh')];
const form = (patch: Partial<RuleForm> = {}): RuleForm => ({
  ...EMPTY_RULE_FORM,
  name: 'high-load',
  facilityId: 'f1',
  threshold: '3',
  ...patch,
});
const set = () => undefined;

describe('rule builder form', () => {
  it('goes back to every mains channel when the facility changes', () => {
    expect(chooseFacility(form({ channelId: 'boiler', unit: 'kWh' }), 'f2')).toMatchObject({
      facilityId: 'f2',
      channelId: '',
      unit: 'kWh',
    });
  });

  it("types the threshold in the chosen channel's unit, W for every mains channel", () => {
    expect(chooseChannel(form(), channels, 'boiler')).toMatchObject({ channelId: 'boiler', unit: 'kWh' });
    expect(chooseChannel(form({ unit: 'kWh' }), channels, '')).toMatchObject({ channelId: '', unit: 'W' });
  });

  it('asks for a threshold except for silence, and a duration except for a drop to zero', () => {
    expect(kindFields('above')).toEqual({ threshold: true, duration: 'For at least' });
    expect(kindFields('below')).toEqual({ threshold: true, duration: 'For at least' });
    expect(kindFields('silent')).toEqual({ threshold: false, duration: 'Silence of' });
    expect(kindFields('drop_to_zero')).toEqual({ threshold: true, duration: null });
  });

  it('previews the rule, or says what is missing in the words of the rule parser', () => {
    expect(previewRule(form(), undefined)).toEqual({
      rule: {
        name: 'high-load',
        severity: 'warning',
        scope: { facilityIds: ['f1'], mainsOnly: true },
        condition: { type: 'above', value: 3000, for: '5m' },
      },
    });
    const missing = previewRule(form({ name: '' }), undefined);
    expect('error' in missing && missing.error).toMatch(/name/);
  });

  it('shows the threshold with the units of the channel family, and no threshold for silence', () => {
    const above = renderToStaticMarkup(
      createElement(ConditionFields, { form: form(), units: ['W', 'kW'], set }),
    );
    expect(above).toContain('name="threshold"');
    expect(above).toContain('<option selected="">kW</option>');
    expect(above).toContain('For at least');
    const silent = renderToStaticMarkup(
      createElement(ConditionFields, { form: form({ kind: 'silent' }), units: ['W', 'kW'], set }),
    );
    expect(silent).not.toContain('name="threshold"');
    expect(silent).toContain('Silence of');
  });

  it('lists the facilities and the channels with their units', () => {
    const html = renderToStaticMarkup(
      createElement(TargetFields, {
        form: form(),
        facilities: [{ id: 'f1', name: 'Bakery' }],
        channels,
        onFacility: set,
        onChannel: set,
      }),
    );
    expect(html).toContain('<option value="f1" selected="">Bakery</option>');
    expect(html).toContain('<option value="boiler">boiler (kWh)</option>');
    expect(html).toContain('Every mains channel');
  });

  it('shows the YAML of a valid rule and the problem of an invalid one', () => {
    const yaml = renderToStaticMarkup(
      createElement(RulePreview, { preview: previewRule(form(), undefined) }),
    );
    expect(yaml).toContain('type: above');
    const problem = renderToStaticMarkup(
      createElement(RulePreview, { preview: { error: "field 'name': required" } }),
    );
    expect(problem).toContain('data-testid="rule-builder-problem"');
  });

  it('keeps Save off for viewers, and says why', () => {
    const api = { facilities: () => new Promise(() => undefined) } as unknown as Api;
    const html = renderToStaticMarkup(createElement(RuleBuilder, { api, canEdit: false }));
    expect(html).toMatch(/<button type="submit" disabled="">Save rule<\/button>/);
    expect(html).toContain('Viewers cannot change rules.');
  });
});
