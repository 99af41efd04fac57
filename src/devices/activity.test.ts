import { describe, expect, it } from 'vitest';
import type { DeviceActivity, DeviceActivityDelta } from '../store/ports/devices.ts';
import { createDeviceActivity } from './activity.ts';

/** A store whose writes land only when the test lets them, to read the tracker in the middle of a flush. */
function slowStore() {
  const rows: DeviceActivityDelta[] = [];
  let release: (() => void) | undefined;
  const devices = {
    recordActivity: (deltas: DeviceActivityDelta[]) =>
      new Promise<void>((resolve) => {
        release = () => {
          rows.push(...deltas);
          resolve();
        };
      }),
    activity: (ids: readonly string[], since: number): Promise<DeviceActivity[]> => {
      const byId = new Map<string, DeviceActivity>();
      for (const r of rows) {
        if (!ids.includes(r.deviceId) || r.minute < since) continue;
        const a = byId.get(r.deviceId) ?? { deviceId: r.deviceId, messages: 0, readings: 0, rejected: 0 };
        a.messages += r.messages;
        a.readings += r.readings;
        a.rejected += r.rejected;
        byId.set(r.deviceId, a);
      }
      return Promise.resolve([...byId.values()]);
    },
    pruneActivity: () => Promise.resolve(),
  };
  // Lets the write land once the tracker has started it.
  const land = async (): Promise<void> => {
    while (!release) await new Promise((r) => setImmediate(r));
    release();
  };
  return { store: { devices } as never, land };
}

describe('device activity', () => {
  it('counts a message once and keeps its last-seen time while a flush is being written', async () => {
    const t = 1_700_000_040_000;
    const { store, land } = slowStore();
    const tracker = createDeviceActivity({ store, now: () => t });
    tracker.record('d1', { accepted: 2, rejected: [{ reason: 'unknown channel' }] });

    const flushed = tracker.flush();
    // Asked while the write is under way: answered after it, from the store alone, not twice, not never.
    const during = tracker.activity(['d1'], t - 60_000);
    expect(tracker.lastSeen('d1')).toBe(t);
    await land();
    await flushed;
    expect(await during).toEqual([{ deviceId: 'd1', messages: 1, readings: 2, rejected: 1 }]);
    expect(await tracker.activity(['d1'], t - 60_000)).toEqual([
      { deviceId: 'd1', messages: 1, readings: 2, rejected: 1 },
    ]);
    // After the flush the process still knows when the device last sent.
    expect(tracker.lastSeen('d1')).toBe(t);
    expect(tracker.lastSeen('d2')).toBeUndefined();
  });
});
