/**
 * Live NILM breakdowns onto the event hub, as `nilm` events: the hook to pass as `onBreakdown` of
 * `startLiveNilm`. The hub delivers them like readings, to subscribers of the facility under its
 * owner organisation (own facilities, and shared ones subscribed under their owner).
 */
import type { EventHub } from './hub.ts';
import { type LiveNilmView, breakdownOf } from './live-nilm.ts';

/**
 * Returns the `onBreakdown` hook. A batch that closes several periods of a facility (a gateway
 * catching up, the warm-up at start) publishes only the newest one, once the batch is through: a
 * client shows the newest breakdown only, so the older ones would be bytes for nothing.
 */
export function publishBreakdowns(hub: Pick<EventHub, 'publish'>): (view: LiveNilmView) => void {
  let pending = new Map<string, LiveNilmView>();
  const flush = (): void => {
    const views = pending;
    pending = new Map();
    for (const v of views.values())
      hub.publish({ type: 'nilm', orgId: v.orgId, facilityId: v.facilityId, breakdown: breakdownOf(v) });
  };
  return (view) => {
    // `offer` runs a whole batch synchronously: a microtask runs after its last breakdown.
    if (pending.size === 0) queueMicrotask(flush);
    pending.set(view.facilityId, view);
  };
}
