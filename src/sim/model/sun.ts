/**
 * Where the sun is and how much of it reaches a tilted roof under a clear sky: NOAA's
 * fractional-year approximations for the declination and the equation of time, Kasten and Young's
 * air mass, Meinel's direct beam and an isotropic sky. Good to a few per cent of measured clear-sky
 * irradiance, which is far inside the weather's own spread.
 */
import { DAY_MS } from './calendar.ts';

const RAD = Math.PI / 180;
/** Solar constant, W/m2. */
const SOLAR_CONSTANT = 1361;
/** Ground reflectance seen by a tilted module (grass, roofs, streets). */
const ALBEDO = 0.2;

/** A direction of the sun as east, north and up components of a unit vector. */
export interface SunVector {
  east: number;
  north: number;
  up: number;
}

/** Sun direction at UTC `t` for a site at `latDeg` north and `lonDeg` east. */
export function sunVector(t: number, latDeg: number, lonDeg: number): SunVector {
  const year = new Date(t).getUTCFullYear();
  const yearMs = Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1);
  const g = (2 * Math.PI * (t - Date.UTC(year, 0, 1))) / yearMs;
  const decl =
    0.006918 -
    0.399912 * Math.cos(g) +
    0.070257 * Math.sin(g) -
    0.006758 * Math.cos(2 * g) +
    0.000907 * Math.sin(2 * g) -
    0.002697 * Math.cos(3 * g) +
    0.00148 * Math.sin(3 * g);
  const eqTimeMin =
    229.18 *
    (0.000075 +
      0.001868 * Math.cos(g) -
      0.032077 * Math.sin(g) -
      0.014615 * Math.cos(2 * g) -
      0.040849 * Math.sin(2 * g));
  const utcMin = (((t % DAY_MS) + DAY_MS) % DAY_MS) / 60_000;
  const solarMin = utcMin + eqTimeMin + 4 * lonDeg;
  const hourAngle = (solarMin / 4 - 180) * RAD;
  const lat = latDeg * RAD;
  return {
    east: -Math.cos(decl) * Math.sin(hourAngle),
    north: Math.cos(lat) * Math.sin(decl) - Math.sin(lat) * Math.cos(decl) * Math.cos(hourAngle),
    up: Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(hourAngle),
  };
}

/** Clear-sky direct normal and diffuse horizontal irradiance, W/m2, for a sun `up` component (cos zenith). */
export function clearSky(cosZenith: number): { dni: number; dhi: number } {
  if (cosZenith <= 0) return { dni: 0, dhi: 0 };
  const zenithDeg = Math.acos(cosZenith) / RAD;
  // Kasten and Young (1989): finite at the horizon, unlike 1 / cos z.
  const airMass = 1 / (cosZenith + 0.50572 * (96.07995 - zenithDeg) ** -1.6364);
  const dni = SOLAR_CONSTANT * 0.7 ** (airMass ** 0.678);
  return { dni, dhi: 0.1 * dni };
}

/** A roof plane: tilt from horizontal and azimuth clockwise from north (180 = due south), degrees. */
export interface Plane {
  tiltDeg: number;
  azimuthDeg: number;
}

/**
 * Irradiance on the plane, W/m2, with a clearness `clear` in 0..1 (1 = cloudless). Clouds take the
 * direct beam first (`clear`^2) and brighten the diffuse sky at part cover (1 + 3 c (1 - c)).
 */
export function planeIrradiance(sun: SunVector, plane: Plane, clear: number): number {
  if (sun.up <= 0) return 0;
  const { dni, dhi } = clearSky(sun.up);
  const tilt = plane.tiltDeg * RAD;
  const az = plane.azimuthDeg * RAD;
  const cosIncidence =
    Math.sin(tilt) * Math.sin(az) * sun.east +
    Math.sin(tilt) * Math.cos(az) * sun.north +
    Math.cos(tilt) * sun.up;
  const beam = dni * clear * clear;
  const diffuse = dhi * (1 + 3 * clear * (1 - clear));
  const ghi = beam * sun.up + diffuse;
  return (
    beam * Math.max(0, cosIncidence) +
    (diffuse * (1 + Math.cos(tilt))) / 2 +
    (ghi * ALBEDO * (1 - Math.cos(tilt))) / 2
  );
}
