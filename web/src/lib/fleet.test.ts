import { describe, expect, it } from 'vitest';
import type { Alert, Channel, FacilityDetail, FacilityWithAccess } from '../api/types.ts';
import { joinFleet } from './fleet.ts';

const fac = (id: string): FacilityWithAccess => ({
  id,
  orgId: 'o',
  name: id,
  kind: 'residential',
  address: null,
  zip: '1',
  timeZone: 'UTC',
  tags: [],
  createdAt: 0,
  access: 'edit',
});
const ch = (id: string, isMains: boolean): Channel => ({
  id,
  meterId: 'm',
  name: id,
  isMains,
  appliance: null,
  measurement: 'power',
  unit: 'W',
  intervalMs: 1000,
  maxGapMs: null,
  rolloverAt: null,
});

describe('joinFleet', () => {
  it('sums mains power per facility and counts open alerts', () => {
    const a = fac('a');
    const catalog: FacilityDetail[] = [
      { facility: a, meters: [], channels: [ch('a1', true), ch('a2', true), ch('a-fridge', false)] },
    ];
    const rows = joinFleet([a, fac('b')], {
      catalog,
      latest: [
        { channelId: 'a1', ts: 5, value: 100 },
        { channelId: 'a2', ts: 7, value: 50 },
        { channelId: 'a-fridge', ts: 9, value: 80 },
      ],
      alerts: [{ facilityId: 'a', state: 'open' } as Alert, { facilityId: 'a', state: 'closed' } as Alert],
      today: new Map([['a', 1200]]),
    });
    expect(rows[0]).toMatchObject({ latestPower: 150, latestTs: 7, openAlerts: 1, todayEnergy: 1200 });
    expect(rows[1]).toMatchObject({ latestPower: null, openAlerts: 0, todayEnergy: 0 });
  });
});
