/** Channel picker of the explore page: facilities with their channels as checkboxes, filterable by name. */
import { useState } from 'react';
import type { Channel, FacilityDetail } from '../api/types.ts';

/** Props of {@link ChannelPicker}. */
export interface ChannelPickerProps {
  catalog: FacilityDetail[];
  /** Label per facility id that tells facilities of the same name apart (zip code, id). */
  names?: Map<string, string>;
  selected: string[];
  onChange: (ids: string[]) => void;
}

/** One facility in the list: its label, its channel count, the channels the filter shows, open or not. */
export interface PickerGroup {
  facilityId: string;
  label: string;
  total: number;
  shown: Channel[];
  open: boolean;
}

/**
 * The facilities the filter leaves (case-insensitive): a facility whose label matches shows all its
 * channels, otherwise the channels whose name, appliance or id match; one with none is left out. A
 * group is open while filtering or when one of its channels is selected.
 */
export function pickerGroups(
  catalog: FacilityDetail[],
  names: Map<string, string> | undefined,
  filter: string,
  selected: readonly string[],
): PickerGroup[] {
  const needle = filter.trim().toLowerCase();
  const groups: PickerGroup[] = [];
  for (const { facility, channels } of catalog) {
    const label = names?.get(facility.id) ?? facility.name;
    const hit = label.toLowerCase().includes(needle);
    const shown = channels.filter(
      (c) => !needle || hit || `${c.name} ${c.appliance ?? ''} ${c.id}`.toLowerCase().includes(needle),
    );
    if (!shown.length) continue;
    const open = !!needle || shown.some((c) => selected.includes(c.id));
    groups.push({ facilityId: facility.id, label, total: channels.length, shown, open });
  }
  return groups;
}

/** The selection with `id` added, or taken out when it was in. */
export function toggleChannel(selected: readonly string[], id: string): string[] {
  return selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id];
}

/** Renders the picker. */
export function ChannelPicker({ catalog, names, selected, onChange }: ChannelPickerProps) {
  const [filter, setFilter] = useState('');
  return (
    <div className="picker" data-testid="channel-picker">
      <input
        type="search"
        placeholder="Filter facilities and channels…"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        aria-label="filter channels"
      />
      <div className="picker-list">
        {pickerGroups(catalog, names, filter, selected).map(({ facilityId, label, total, shown, open }) => {
          return (
            <details key={facilityId} open={open}>
              <summary>
                {label} <span className="sub">{total}</span>
              </summary>
              {shown.map((c) => (
                <label key={c.id} className="check">
                  <input
                    type="checkbox"
                    checked={selected.includes(c.id)}
                    onChange={() => onChange(toggleChannel(selected, c.id))}
                    data-channel={c.id}
                  />
                  {c.isMains ? 'mains' : (c.appliance ?? c.name)} <span className="sub">{c.unit}</span>
                </label>
              ))}
            </details>
          );
        })}
      </div>
    </div>
  );
}
