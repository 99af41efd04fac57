/**
 * The user's time-zone choice (time-zone.ts) as React state, remembered in two places: the `tz`
 * parameter of the URL (a shared link shows the times its sender saw) and local storage (the choice
 * carries over to the next page and the next visit). The URL wins when both are set. Pages say which
 * facility zones apply through {@link FacilityZones}; charts read the resolved zone with {@link useZone}.
 */
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore } from 'react';
import { navigate } from './router.ts';
import {
  type ZoneChoice,
  browserZone,
  parseZoneChoice,
  resolveZone,
  zoneCaption,
  zoneFormat,
} from './time-zone.ts';

const KEY = 'loadscope.timeZone';
const EVENT = 'loadscope:time-zone';

/** The facility zones of the page: one (a facility page, explore) and/or one per facility (alerts). */
export interface FacilityZoneScope {
  zone?: string;
  byFacility?: ReadonlyMap<string, string>;
}

/** Context a page wraps its charts in to say whose time `facility` means. */
export const FacilityZones = createContext<FacilityZoneScope>({});

function subscribe(cb: () => void): () => void {
  for (const e of ['popstate', 'storage', EVENT, 'loadscope:navigate']) window.addEventListener(e, cb);
  return () => {
    for (const e of ['popstate', 'storage', EVENT, 'loadscope:navigate']) window.removeEventListener(e, cb);
  };
}

function readChoice(): ZoneChoice {
  const fromUrl = parseZoneChoice(new URLSearchParams(window.location.search).get('tz'));
  let stored: string | null = null;
  try {
    stored = window.localStorage.getItem(KEY);
  } catch {
    // Storage can be off (private mode); the URL and the default still work.
  }
  return fromUrl ?? parseZoneChoice(stored) ?? 'facility';
}

/** The current choice and a setter that stores it and puts it in the URL. */
export function useZoneChoice(): [ZoneChoice, (c: ZoneChoice) => void] {
  // Rendered outside a browser (component tests with react-dom/server) the default applies.
  const choice = useSyncExternalStore(subscribe, readChoice, () => 'facility' as const);
  const set = useCallback((c: ZoneChoice) => {
    try {
      window.localStorage.setItem(KEY, c);
    } catch {
      // See readChoice.
    }
    const url = new URL(window.location.href);
    url.searchParams.set('tz', c);
    navigate(url.pathname + url.search, true);
    window.dispatchEvent(new Event(EVENT));
  }, []);
  return [choice, set];
}

/** The zone charts show times in, how to format in it, and the label that names it. */
export interface ResolvedZone {
  choice: ZoneChoice;
  zone: string;
  format: ReturnType<typeof zoneFormat>;
  /** E.g. `America/New_York (EST), the facility's time`. */
  caption: string;
}

/** The resolved zone of the page, or of one facility on a page across facilities. */
export function useZone(facilityId?: string): ResolvedZone {
  const [choice] = useZoneChoice();
  const scope = useContext(FacilityZones);
  const facilityZone = (facilityId ? scope.byFacility?.get(facilityId) : undefined) ?? scope.zone;
  const zone = resolveZone(choice, facilityZone, browserZone());
  const format = useMemo(() => zoneFormat(zone), [zone]);
  return useMemo(
    () => ({
      choice,
      zone,
      format,
      caption: zoneCaption(choice, zone, format.short(Date.now()), !!facilityZone),
    }),
    [choice, zone, format, facilityZone],
  );
}

/** Formats instants per facility in the chosen zone, with the zone's short name (`… 14:03:07 EST`). */
export function useTimeFormatter(): (ms: number, facilityId?: string) => string {
  const [choice] = useZoneChoice();
  const scope = useContext(FacilityZones);
  return useMemo(() => {
    const formats = new Map<string, ReturnType<typeof zoneFormat>>();
    const browser = browserZone();
    return (ms: number, facilityId?: string) => {
      const fz = (facilityId ? scope.byFacility?.get(facilityId) : undefined) ?? scope.zone;
      const zone = resolveZone(choice, fz, browser);
      let f = formats.get(zone);
      if (!f) formats.set(zone, (f = zoneFormat(zone)));
      return Number.isFinite(ms) ? `${f.dateTime(ms)} ${f.short(ms)}` : '–';
    };
  }, [choice, scope]);
}
