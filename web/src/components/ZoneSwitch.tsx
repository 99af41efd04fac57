/**
 * The time-zone switch of the pages with times: facility time, browser time or UTC. The choice is
 * remembered (URL and local storage, see lib/zone-choice.ts) and applies to every chart and time on
 * the page, each of which names the zone it shows.
 */
import { useContext } from 'react';
import { browserZone } from '../lib/time-zone.ts';
import { FacilityZones, useZoneChoice } from '../lib/zone-choice.ts';

/** Renders the switch as a labelled select. */
export function ZoneSwitch() {
  const [choice, setChoice] = useZoneChoice();
  const scope = useContext(FacilityZones);
  const facility = scope.zone ?? (scope.byFacility?.size ? "each facility's own" : undefined);
  return (
    <label className="zone-switch">
      <span className="sub">Times in</span>{' '}
      <select
        value={choice}
        onChange={(e) => setChoice(e.target.value as typeof choice)}
        aria-label="time zone"
        data-testid="zone-switch"
      >
        <option value="facility">facility{facility ? ` · ${facility}` : ''}</option>
        <option value="browser">browser · {browserZone()}</option>
        <option value="utc">UTC</option>
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
