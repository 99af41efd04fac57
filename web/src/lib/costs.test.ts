import { describe, expect, it } from 'vitest';
import type { CostRow } from '../api/costs.ts';
import { byLabel, fmtCo2, fmtMoney, monthBills, zipCosts } from './costs.ts';

const row = (p: Partial<CostRow>): CostRow => ({
  level: 'facility',
  key: 'f',
  commodity: 'electricity',
  period: 'month',
  start: 0,
  label: '2024-06',
  currency: 'USD',
  unit: 'kWh',
  energy: 0,
  energyCost: 0,
  standing: 0,
  demand: 0,
  cost: 0,
  co2: null,
  meters: 1,
  ...p,
});

describe('cost helpers', () => {
  it('sums commodities per label, counting a missing CO2 as none', () => {
    const rows = [row({ co2: 2, energyCost: 1 }), row({ commodity: 'gas', co2: null, energyCost: 3 })];
    expect(byLabel(rows, 'energyCost')).toEqual([{ label: '2024-06', energy: 4 }]);
    expect(byLabel(rows, 'co2')).toEqual([{ label: '2024-06', energy: 2 }]);
  });

  it('makes monthly bills per commodity with fixed charges, newest first', () => {
    const bills = monthBills([
      row({ label: '2024-05', energyCost: 10, standing: 5, cost: 15, co2: 4 }),
      row({ energyCost: 20, standing: 6, demand: 30, cost: 56, co2: 8 }),
      row({ commodity: 'water', energyCost: 7, cost: 7 }),
    ]);
    expect(bills.map((b) => b.label)).toEqual(['2024-06', '2024-05']);
    expect(bills[0]).toEqual({
      label: '2024-06',
      byCommodity: { electricity: 20, water: 7 },
      fixed: 36,
      total: 63,
      co2: 8,
    });
  });

  it('formats money in the currency and CO2 in kg or t', () => {
    expect(fmtMoney(1234.5, 'EUR')).toBe('€1,234.50');
    expect(fmtMoney(3, undefined)).toBe('–');
    expect(fmtCo2(12.34)).toBe('12.3 kg CO₂');
    expect(fmtCo2(2500)).toBe('2.50 t CO₂');
  });

  it('sums zip-code days per zip code and commodity, CO2 null until a day has it', () => {
    const z = (key: string, p: Partial<CostRow>) => row({ level: 'zip', key, period: 'day', ...p });
    const out = zipCosts([
      z('10001', { cost: 1, co2: null }),
      z('10001', { cost: 2, co2: 3 }),
      z('10001', { commodity: 'gas', cost: 5 }),
      z('10002', { cost: 7 }),
    ]);
    expect(Object.fromEntries(out)).toEqual({
      '10001|electricity': { cost: 3, co2: 3, currency: 'USD' },
      '10001|gas': { cost: 5, co2: null, currency: 'USD' },
      '10002|electricity': { cost: 7, co2: null, currency: 'USD' },
    });
  });
});
