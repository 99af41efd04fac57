/**
 * Issue 13, item 11 in the test suite: 3 SIGKILLs of `loadscope start` per column while HTTP clients
 * and an MQTT QoS 1 device stream readings; no acknowledged reading may be lost or doubled.
 * `scripts/kill-test.ts` runs the same with 20 kills per column.
 */
import { describe, expect, it } from 'vitest';
import { type KillColumn, runKillTest } from './testing/kill-run.ts';

const COLUMNS: KillColumn[] = ['embedded', 'scale-out'];

describe('kill -9 of loadscope start', () => {
  for (const column of COLUMNS)
    it(`loses no acknowledged reading over 3 kills (${column})`, async () => {
      const r = await runKillTest({ column, runs: 3, seed: 7 });
      expect(r.acknowledgedHttp).toBeGreaterThan(0);
      expect(r.acknowledgedMqtt).toBeGreaterThan(0);
      expect({ lost: r.lost, doubled: r.doubled }).toEqual({ lost: 0, doubled: 0 });
    }, 240_000);
});
