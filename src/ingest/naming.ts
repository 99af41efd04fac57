/**
 * Readable names and kinds from what a file says about itself: a Green Button usage point's title,
 * a UtilityAPI tariff name. Imported facilities and channels are named for people (the facility page,
 * the fleet list); ids stay slugs derived from the source.
 */
import type { FacilityKind, ServiceType } from '../domain/types.ts';

const KIND_WORDS: [RegExp, FacilityKind][] = [
  [
    /\b(residential|residence|domestic|household|home|house|apartment|single[- ]family|multi[- ]family)\b/i,
    'residential',
  ],
  [/\b(industrial|industry|factory|plant)\b/i, 'industrial'],
  [/\b(commercial|business|general|office|retail|store|shop|restaurant)\b/i, 'commercial'],
  [/\b(school|public|municipal|government|hospital|library)\b/i, 'public'],
];

/**
 * The facility kind a text names (`Coastal Multi-Family`, `SC1 Residential`, `SC9 General Large`),
 * or undefined. Utilities' general-service tariffs are the commercial ones.
 */
export function kindFromText(text: string | null | undefined): FacilityKind | undefined {
  if (!text) return undefined;
  return KIND_WORDS.find(([re]) => re.test(text))?.[1];
}

/** True for a street address (`1 Test Street`, `596 Bleecker St, New York`): a house number first. */
export function looksLikeAddress(text: string): boolean {
  return /^\d+[a-z]?\s+\S/i.test(text.trim());
}

/** `Electricity`, `Gas`, `Water`. */
export function serviceName(service: ServiceType): string {
  return service[0]!.toUpperCase() + service.slice(1);
}

/** An interval as people say it: `15 min`, `1 h`, `1 day`. */
export function intervalName(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? '1 day' : `${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
