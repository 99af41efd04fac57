import { describe, expect, it } from 'vitest';
import { espiChannelLabel } from './formats/espi.ts';
import { intervalName, kindFromText, looksLikeAddress } from './naming.ts';

describe('readable names from files', () => {
  it('finds the facility kind in titles and tariff names', () => {
    expect(kindFromText('Coastal Multi-Family 12hr')).toBe('residential');
    expect(kindFromText('SC1 Residential TOU')).toBe('residential');
    expect(kindFromText('SC9 General Large')).toBe('commercial');
    expect(kindFromText('Metered Water')).toBeUndefined();
    expect(kindFromText('Green Button Sample Data File')).toBeUndefined();
    expect(kindFromText(null)).toBeUndefined();
  });

  it('tells a street address from a name', () => {
    expect(looksLikeAddress('1 Test Street')).toBe(true);
    expect(looksLikeAddress('596 Bleecker St, New York, NY 10011')).toBe(true);
    expect(looksLikeAddress('Coastal Multi-Family')).toBe(false);
  });

  it('names Green Button channels by their meter reading, else their reading type', () => {
    const p = {
      service: 'electricity',
      measurement: 'interval',
      intervalMs: 3_600_000,
      reverse: false,
    } as const;
    expect(espiChannelLabel({ ...p, title: 'Hourly Electricity Consumption' })).toBe(
      'Hourly Electricity Consumption',
    );
    expect(espiChannelLabel({ ...p, title: '' })).toBe('Electricity use, 1 h');
    expect(espiChannelLabel({ ...p, title: '', reverse: true })).toBe('Electricity use, 1 h, exported');
    expect(espiChannelLabel({ ...p, title: 'Solar generation', reverse: true })).toBe('Solar generation');
    expect(intervalName(900)).toBe('15 min');
    expect(intervalName(86_400)).toBe('1 day');
  });
});
