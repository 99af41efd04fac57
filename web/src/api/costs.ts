/**
 * Costs and CO2 (routes of src/cost/routes.ts): GET /api/v1/costs for one channel, meter or facility,
 * GET /api/v1/costs/fleet for every readable facility, GET /api/v1/costs/zips per zip code,
 * GET /api/v1/tariffs. Rows are the store's.
 */
import type { CostServed } from '../../../src/store/ports/tariffs.ts';
import type { Http } from './http.ts';

/** One priced period of a channel, meter or facility, per commodity. */
export type CostRow = CostServed;

const V1 = '/api/v1';
const range = (from: number, to: number) => ({ from: Math.floor(from), to: Math.ceil(to) });

/** The cost calls of the web app. */
export function costsApi(http: Http) {
  return {
    costs: (q: {
      level: 'channel' | 'meter' | 'facility';
      key: string;
      period: 'hour' | 'day' | 'month';
      from: number;
      to: number;
    }) => http.get<CostRow[]>(`${V1}/costs`, { ...q, ...range(q.from, q.to) }),
    fleet: (period: 'day' | 'month', from: number, to: number) =>
      http.get<CostRow[]>(`${V1}/costs/fleet`, { period, ...range(from, to) }),
    zips: (period: 'day' | 'month', from: number, to: number) =>
      http.get<CostRow[]>(`${V1}/costs/zips`, { period, ...range(from, to) }),
  };
}
