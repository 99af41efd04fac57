/**
 * What the real-time routes need from the real-time layer, and the facilities shared with a caller,
 * which alerts, latest values and the live push add to the caller's own.
 */
import type { FastifyInstance } from 'fastify';
import type { DeviceAuth } from '../../../realtime/device-auth.ts';
import type { ChannelDirectory } from '../../../realtime/directory.ts';
import type { EventHub } from '../../../realtime/hub.ts';
import type { Ingest } from '../../../realtime/ingest.ts';
import type { Quarantine } from '../../../realtime/quarantine.ts';
import type { ConnectionRegistry } from '../../../realtime/revocations.ts';
import type { Store } from '../../../store/store.ts';
import type { Principal } from '../../principal.ts';

/** Dependencies of the real-time routes. */
export interface RealtimeRoutesDeps {
  ingest: Ingest;
  /** Verifies the bearer token of `POST /readings` (API tokens and registered devices). */
  deviceAuth: DeviceAuth;
  store: Pick<Store, 'alerts' | 'live'>;
  directory: ChannelDirectory;
  hub: EventHub;
  quarantine: Quarantine;
  /** Called after a rule changed, so processors pick it up at once. */
  onRulesChanged?: () => Promise<void>;
  /** Processing counters for `/api/v1/ingest/metrics`. */
  metrics?: () => Record<string, unknown>;
  /**
   * Heartbeat of the live push: an SSE comment line, a WebSocket ping (a socket that did not answer
   * the previous one is dropped). Default 15 s.
   */
  livePingMs?: number;
  /** Open live streams by credential, closed on revocation; default: not tracked. */
  connections?: ConnectionRegistry;
  now?: () => number;
}

/** Facilities shared with the caller from other organisations: id -> owner organisation. */
export async function sharedFacilities(app: FastifyInstance, p: Principal): Promise<Map<string, string>> {
  return new Map(
    (await app.access.readableFacilities(p))
      .filter((r) => r.facility.orgId !== p.orgId)
      .map((r) => [r.facility.id, r.facility.orgId]),
  );
}
