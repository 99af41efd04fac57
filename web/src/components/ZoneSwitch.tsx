/**
 * The time-zone switch of the pages with times: facility time, browser time or UTC. The choice is
 * remembered (URL and local storage, see lib/zone-choice.ts) and applies to every chart and time on
 * the page, each of which names the zone it shows.
 */
import { useContext } from 'react';
import { type ZoneChoice, browserZone, parseZoneChoice } from '../lib/time-zone.ts';
import { type FacilityZoneScope, FacilityZones, useZoneChoice } from '../lib/zone-choice.ts';

/** The three choices with what each means on this page: the facility's zone (or each one's), the browser's. */
export function zoneOptions(
  scope: FacilityZoneScope,
  browser: string,
): { value: ZoneChoice; label: string }[] {
  const facility = scope.zone ?? (scope.byFacility?.size ? "each facility's own" : undefined);
  return [
    { value: 'facility', label: `facility${facility ? ` · ${facility}` : ''}` },
    { value: 'browser', label: `browser · ${browser}` },
    { value: 'utc', label: 'UTC' },
  ];
}

/** Renders the switch as a labelled select. */
export function ZoneSwitch() {
  const [choice, setChoice] = useZoneChoice();
  const scope = useContext(FacilityZones);
  return (
    <label className="zone-switch">
      <span className="sub">Times in</span>{' '}
      <select
        value={choice}
        onChange={(e) => setChoice(parseZoneChoice(e.target.value) ?? 'facility')}
        aria-label="time zone"
        data-testid="zone-switch"
      >
        {zoneOptions(scope, browserZone()).map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The line under a chart that names its zone. */
export function ZoneCaption({ caption, testId }: { caption: string; testId?: string }) {
  return (
    <div className="zone-caption sub" data-testid={testId ?? 'zone-caption'}>
      Times in {caption}
    </div>
  );
}
