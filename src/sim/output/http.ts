/**
 * Live replay over HTTP: `POST <base>/api/v1/readings` with a JSON batch body and
 * `Authorization: Bearer <token>`, one request per organisation chunk (a device token belongs to
 * one organisation: pass `org` to send only that organisation's readings).
 */
import type { ReadingBatch } from '../../domain/types.ts';
import { ExternalError } from '../../errors.ts';
import type { Fleet } from '../fleet.ts';
import { batchJson, channelRoutes, chunksByOrg } from './wire.ts';

/** Options of {@link postHttp}. */
export interface HttpPostOptions {
  /** Base URL of the Loadscope server, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Device or API token. */
  token: string;
  /** Only readings of this organisation (default: all). */
  org?: string;
  /** Readings per request; default 5,000. */
  perRequest?: number;
  signal?: AbortSignal;
  onProgress?: (p: { readings: number; requests: number }) => void;
}

/** Posts every batch of `feed`; throws ExternalError with the server's answer on a non-2xx status. */
export async function postHttp(
  fleet: Fleet,
  feed: AsyncIterable<ReadingBatch>,
  opts: HttpPostOptions,
): Promise<{ readings: number; requests: number }> {
  const routes = channelRoutes(fleet);
  const endpoint = new URL('/api/v1/readings', opts.url).toString();
  const totals = { readings: 0, requests: 0 };
  for await (const b of feed) {
    if (opts.signal?.aborted) break;
    for (const { org, idx } of chunksByOrg(b, routes, opts.perRequest ?? 5000)) {
      if (opts.org !== undefined && org !== opts.org) continue;
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
          body: batchJson(b, idx),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (cause) {
        if (opts.signal?.aborted) return totals;
        throw new ExternalError('http', `POST ${endpoint} failed: ${(cause as Error).message}`, { cause });
      }
      if (!res.ok) {
        const text = (await res.text()).slice(0, 300);
        throw new ExternalError('http', `POST ${endpoint} answered ${res.status}: ${text}`);
      }
      await res.arrayBuffer().catch(() => undefined);
      totals.requests++;
      totals.readings += idx.length;
    }
    opts.onProgress?.(totals);
  }
  return totals;
}
