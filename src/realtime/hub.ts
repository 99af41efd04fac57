/**
 * The in-process event hub: the pipeline publishes alerts and live readings, live NILM its appliance
 * breakdowns; the HTTP layer's SSE connections subscribe with a filter (organisation, facilities).
 */
import type { Alert } from '../domain/types.ts';
import type { LiveNilmBreakdown } from './live-nilm.ts';

/** A live event. */
export type LiveEvent =
  | { type: 'alert'; alert: Alert }
  | { type: 'alert-updated'; alert: Alert }
  /** Readings of one facility since the previous event: columns per channel. */
  | {
      type: 'readings';
      orgId: string;
      facilityId: string;
      channels: { channelId: string; ts: number[]; value: number[] }[];
    }
  /** A facility's newest live appliance breakdown (live NILM), for the period that just closed. */
  | { type: 'nilm'; orgId: string; facilityId: string; breakdown: LiveNilmBreakdown };

// Events about one facility: delivered by its owner organisation and the subscriber's facility list.
type FacilityEvent = Extract<LiveEvent, { facilityId: string }>;

/** What a subscriber wants: alerts of one organisation, and facility events of the facilities listed. */
export interface LiveFilter {
  orgId: string;
  /** Facilities whose readings and breakdowns to receive; none when omitted. */
  facilityIds?: string[];
  /** False for facility events only (a facility shared from another organisation: its owner's alerts stay theirs). */
  alerts?: boolean;
}

/** Publish/subscribe for live events. */
export interface EventHub {
  publish(event: LiveEvent): void;
  /** Registers a listener; returns the function that removes it. */
  subscribe(filter: LiveFilter, listener: (e: LiveEvent) => void): () => void;
  /** Whether anyone listens to readings of this facility (saves building unused events). */
  wantsReadings(orgId: string, facilityId: string): boolean;
  /** Number of subscribers. */
  size(): number;
}

const isFacilityEvent = (e: LiveEvent): e is FacilityEvent => e.type === 'readings' || e.type === 'nilm';

/** Creates a hub. */
export function createEventHub(): EventHub {
  const subs = new Set<{ filter: LiveFilter; listener: (e: LiveEvent) => void }>();
  const wants = (f: LiveFilter, orgId: string, facilityId: string): boolean =>
    f.orgId === orgId && (f.facilityIds?.includes(facilityId) ?? false);
  return {
    publish(e) {
      for (const s of subs) {
        if (
          isFacilityEvent(e)
            ? !wants(s.filter, e.orgId, e.facilityId)
            : s.filter.alerts === false || s.filter.orgId !== e.alert.orgId
        )
          continue;
        try {
          s.listener(e);
        } catch {
          // A broken subscriber must not stop the others; its connection handler cleans up.
        }
      }
    },
    subscribe(filter, listener) {
      const s = { filter, listener };
      subs.add(s);
      return () => subs.delete(s);
    },
    wantsReadings(orgId, facilityId) {
      for (const s of subs) if (wants(s.filter, orgId, facilityId)) return true;
      return false;
    },
    size: () => subs.size,
  };
}
