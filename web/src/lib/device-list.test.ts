import { describe, expect, it } from 'vitest';
import { filterDevices, statusCounts } from './device-list.ts';

const devices = [
  { name: 'Gateway North', status: 'online' as const, facilityName: 'Plant A' },
  { name: 'meter-7', status: 'stale' as const, facilityName: 'North depot' },
  { name: 'meter-8', status: 'silent' as const, facilityName: null },
  { name: 'meter-9', status: 'online' as const, facilityName: null },
];

describe('device list', () => {
  it('counts devices per status', () => {
    expect(statusCounts(devices)).toEqual({ online: 2, stale: 1, silent: 1 });
    expect(statusCounts([])).toEqual({ online: 0, stale: 0, silent: 0 });
  });

  it('filters by status and by name or facility, ignoring case and spaces around the search', () => {
    expect(filterDevices(devices, 'all', '')).toHaveLength(4);
    expect(filterDevices(devices, 'online', '').map((d) => d.name)).toEqual(['Gateway North', 'meter-9']);
    expect(filterDevices(devices, 'all', '  NORTH ').map((d) => d.name)).toEqual([
      'Gateway North',
      'meter-7',
    ]);
    expect(filterDevices(devices, 'silent', 'north')).toEqual([]);
  });
});
