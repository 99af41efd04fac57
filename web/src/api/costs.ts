/**
 * Costs and CO2 (routes of src/cost/routes.ts): GET /api/v1/costs for one channel, meter or facility,
 * GET /api/v1/costs/fleet for every readable facility, GET /api/v1/costs/zips per zip code,
 * GET /api/v1/tariffs. Shapes are the server's zod shapes (src/api/shapes/costs.ts).
 */
import type { CostRow, CostsQuery, FleetCostsQuery } from '../../../src/api/shapes/costs.ts';
import type { Http } from './http.ts';

export type { CostRow };

/** Periods of the fleet and zip-code views. */
type FleetPeriod = FleetCostsQuery['period'];

const V1 = '/api/v1';
const range = (from: number, to: number) => ({ from: Math.floor(from), to: Math.ceil(to) });

/** The cost calls of the web app. */
export function costsApi(http: Http) {
  return {
    costs: (q: Omit<CostsQuery, 'from' | 'to'> & { from: number; to: number }) =>
      http.get<CostRow[]>(`${V1}/costs`, { ...q, ...range(q.from, q.to) }),
    fleet: (period: FleetPeriod, from: number, to: number) =>
      http.get<CostRow[]>(`${V1}/costs/fleet`, { period, ...range(from, to) }),
    zips: (period: FleetPeriod, from: number, to: number) =>
      http.get<CostRow[]>(`${V1}/costs/zips`, { period, ...range(from, to) }),
  };
}
