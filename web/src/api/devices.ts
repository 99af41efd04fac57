/**
 * The device registry (routes of src/devices/routes.ts): GET /api/v1/devices and /devices/:id,
 * POST /devices (provision), POST /devices/:id/rotate and /revoke, PATCH /devices/:id (facility).
 * Shapes are the server's zod shapes (src/api/shapes/devices.ts).
 */
import type { DeviceList, DeviceRow, IssuedDevice } from '../../../src/api/shapes/devices.ts';
import type { Http } from './http.ts';

export type { DeviceList, DeviceRow, IssuedDevice };

const PATH = '/api/v1/devices';
const enc = encodeURIComponent;

/** The device calls of the web app. */
export function devicesApi(http: Http) {
  return {
    list: () => http.get<DeviceList>(PATH),
    provision: (name: string, facilityId: string | null) =>
      http.post<IssuedDevice>(PATH, { name, facilityId }),
    rotate: (id: string) => http.post<IssuedDevice>(`${PATH}/${enc(id)}/rotate`),
    revoke: (id: string) => http.post<DeviceRow>(`${PATH}/${enc(id)}/revoke`),
    assign: (id: string, facilityId: string | null) =>
      http.patch<DeviceRow>(`${PATH}/${enc(id)}`, { facilityId }),
  };
}
