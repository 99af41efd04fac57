import { describe, expect, it } from 'vitest';
import { commodityOf, groupByCommodity } from './commodity.ts';

describe('commodities', () => {
  it('names the commodity of each unit', () => {
    expect(['Wh', 'm3', 'therm', 'L', 'gal', 'lux'].map(commodityOf)).toEqual([
      'electricity',
      'gas',
      'gas',
      'water',
      'water',
      'other',
    ]);
  });

  it('groups rows by commodity and unit, electricity first, each zip once per group', () => {
    const rows = [
      { zip: '10011', unit: 'L', energy: 1419 },
      { zip: '10011', unit: 'Wh', energy: 102_900 },
      { zip: '10016', unit: 'm3', energy: 26 },
      { zip: '10011', unit: 'm3', energy: 19 },
      { zip: '10016', unit: 'Wh', energy: 64_400 },
      { zip: '10020', unit: 'gal', energy: 80 },
    ];
    const groups = groupByCommodity(rows);
    expect(groups.map((g) => [g.commodity, g.unit, g.rows.map((r) => r.zip)])).toEqual([
      ['electricity', 'Wh', ['10011', '10016']],
      ['gas', 'm3', ['10016', '10011']],
      ['water', 'L', ['10011']],
      ['water', 'gal', ['10020']],
    ]);
  });
});
