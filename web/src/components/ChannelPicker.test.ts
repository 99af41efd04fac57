/** The explore page's channel picker: filtering facilities and channels, toggling the selection. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Channel, FacilityDetail } from '../api/types.ts';
import { ChannelPicker, pickerGroups, toggleChannel } from './ChannelPicker.tsx';

const channel = (id: string, name: string, appliance: string | null, isMains = false): Channel => ({
  id,
  meterId: 'm',
  name,
  isMains,
  appliance,
  measurement: 'power',
  unit: 'W',
  intervalMs: 1000,
  maxGapMs: null,
  rolloverAt: null,
});
const detail = (id: string, name: string, channels: Channel[]): FacilityDetail =>
  ({ facility: { id, name }, meters: [], channels }) as unknown as FacilityDetail;
const catalog = [
  detail('h1', 'House 1', [channel('h1.mains', 'mains', null, true), channel('h1.k', 'kitchen 3', 'kettle')]),
  detail('h2', 'House 2', [channel('h2.mains', 'mains', null, true), channel('h2.f', 'fridge', 'fridge')]),
  detail('shop', 'Bakery', [channel('shop.oven', 'oven', 'oven')]),
];

describe('channel picker', () => {
  it('shows every facility closed without a filter, open where a channel is selected', () => {
    const groups = pickerGroups(catalog, undefined, '', ['h2.f']);
    expect(groups.map((g) => [g.label, g.total, g.shown.length, g.open])).toEqual([
      ['House 1', 2, 2, false],
      ['House 2', 2, 2, true],
      ['Bakery', 1, 1, false],
    ]);
  });

  it('filters by channel name, appliance or id, case-insensitive, and opens what it shows', () => {
    const byAppliance = pickerGroups(catalog, undefined, '  KETTLE ', []);
    expect(byAppliance.map((g) => [g.facilityId, g.shown.map((c) => c.id), g.open])).toEqual([
      ['h1', ['h1.k'], true],
    ]);
    expect(pickerGroups(catalog, undefined, 'h2.f', []).map((g) => g.facilityId)).toEqual(['h2']);
    expect(pickerGroups(catalog, undefined, 'sauna', [])).toEqual([]);
  });

  it('shows all channels of a facility whose label matches, by the label that tells names apart', () => {
    const names = new Map([['shop', 'Bakery · 1012 AB']]);
    const groups = pickerGroups(catalog, names, '1012', []);
    expect(groups.map((g) => [g.label, g.shown.length])).toEqual([['Bakery · 1012 AB', 1]]);
    expect(pickerGroups(catalog, undefined, 'house', []).map((g) => g.shown.length)).toEqual([2, 2]);
  });

  it('adds a channel to the selection, or takes it out', () => {
    expect(toggleChannel(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggleChannel(['a', 'b'], 'a')).toEqual(['b']);
  });

  it('ticks the selected channels and labels mains as mains, sub-meters by appliance', () => {
    const html = renderToStaticMarkup(
      createElement(ChannelPicker, { catalog, selected: ['h1.k'], onChange: () => undefined }),
    );
    expect(html).toContain('<input type="checkbox" data-channel="h1.k" checked=""/>kettle');
    expect(html).toContain('<input type="checkbox" data-channel="h1.mains"/>mains');
    expect(html.match(/<details/g)).toHaveLength(3);
  });
});
