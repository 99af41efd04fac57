import { describe, expect, it } from 'vitest';
import { applianceKey, applianceLabel, sameAppliance } from './appliances.ts';

describe('appliance names', () => {
  it('give one key for every spelling of the same appliance', () => {
    for (const name of [
      'WashingMachine',
      'washing machine',
      'Washing-Machine',
      ' washing__machine ',
      'WASHING MACHINE',
    ])
      expect(applianceKey(name)).toBe('washing_machine');
    expect(applianceKey('heat_pump')).toBe('heat_pump');
    expect(applianceKey('TV and entertainment')).toBe('tv_and_entertainment');
    expect(applianceKey('HVACUnit')).toBe('hvac_unit');
    expect(applianceKey('clothes washer')).toBe('washing_machine');
    expect(applianceKey('--')).toBe('');
  });

  it('keep different appliances apart', () => {
    expect(sameAppliance('washer dryer', 'washing_machine')).toBe(false);
    expect(sameAppliance('washer', 'washing machine')).toBe(false);
    expect(sameAppliance('Fridge', 'refrigerator')).toBe(true);
  });

  it('read as the label the store keeps', () => {
    expect(applianceLabel('WashingMachine')).toBe('washing machine');
    expect(applianceLabel('washing_machine')).toBe('washing machine');
  });
});
