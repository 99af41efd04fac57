/**
 * Overshoot detection on the simulator's fleet (seed 001's case): a week of history gives the batch
 * layer's p97 per appliance channel (over its active samples, so a kettle is judged against how it
 * boils, not against its idle zero), then two further days stream through the overshoot processor
 * (alert above 1.5 x p97 for 60 s); alerts are matched with the spikes the simulator injected.
 *
 * Recall counts the injected overshoots larger than the threshold (the issue's definition; with 3 spikes
 * a house a day, earlier spikes lift a rarely used appliance's p97 above some later ones). Measured: recall
 * 1.00, precision 0.96. With p97 over all samples (97 of 246 appliance thresholds were 0) precision was
 * 0.25; with overlapping simulated fridge runs at local midnight it was 0.76. See docs/realtime.md.
 */
import { describe, expect, it } from 'vitest';
import { createFleet, generateReadings } from '../sim/index.ts';
import { STORE_FACTORIES } from '../store/contract/factories.ts';
import { overshootRecall } from './overshoot-recall.ts';

const DAY = 86_400_000;

describe('overshoot on the simulated fleet', () => {
  it('finds the injected overshoots larger than the threshold with recall >= 0.99 and precision >= 0.95', async () => {
    const fleet = createFleet({
      seed: 1,
      meters: 24,
      applianceShare: 1,
      businessShare: 0,
      gasShare: 0,
      waterShare: 0,
      spikesPerHouseDay: 3,
      sampleMs: 60_000,
    });
    const t = await STORE_FACTORIES.find((f) => f.kind === 'duckdb')!.open();
    try {
      await t.store.catalog.upsertOrganisations(fleet.orgs);
      await t.store.catalog.upsertFacilities(fleet.facilities);
      await t.store.catalog.upsertMeters(fleet.meters);
      await t.store.catalog.upsertChannels(fleet.channels);
      const from = Date.UTC(2025, 2, 3);
      const histTo = from + 7 * DAY;
      const to = histTo + 2 * DAY;
      for await (const b of generateReadings(fleet, { from, to: histTo })) await t.store.readings.write(b);
      await t.store.rollups.computeThresholds({ percentile: 97, now: histTo });
      const appliance = new Set(fleet.truth.applianceChannels.map((c) => c.channelId));
      const thresholds = new Map(
        (await t.store.rollups.getThresholds('p97'))
          .filter((x) => appliance.has(x.channelId))
          .map((x) => [x.channelId, x.value]),
      );
      const r = await overshootRecall(fleet, thresholds, histTo, to);
      const { spikes, larger, recall, precision } = r;
      const zero = [...thresholds.values()].filter((v) => v === 0).length;
      console.log(
        `sim fleet: ${spikes} spikes (${larger} larger than 1.5 x p97), ${r.alerts.size} alerts, recall ${recall.toFixed(3)}, precision ${precision.toFixed(3)}, ${zero}/${thresholds.size} p97 = 0`,
      );
      expect(larger).toBeGreaterThan(50);
      expect(larger).toBeGreaterThan(0.7 * spikes);
      expect(recall).toBeGreaterThanOrEqual(0.99);
      expect(precision).toBeGreaterThanOrEqual(0.95);
      // Only appliances that never ran in the history keep a zero threshold.
      expect(zero).toBeLessThan(0.05 * thresholds.size);
    } finally {
      await t.destroy();
    }
    // Simulate, batch and replay a fleet: about 50 s at load 20 on two cores, so more than the default.
  }, 240_000);
});
