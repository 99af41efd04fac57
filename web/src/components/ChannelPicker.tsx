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

/** Renders the picker. */
export function ChannelPicker({ catalog, names, selected, onChange }: ChannelPickerProps) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const toggle = (c: Channel) =>
    onChange(selected.includes(c.id) ? selected.filter((x) => x !== c.id) : [...selected, c.id]);
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
        {catalog.map(({ facility, channels }) => {
          const label = names?.get(facility.id) ?? facility.name;
          const hit = label.toLowerCase().includes(needle);
          const shown = channels.filter(
            (c) => !needle || hit || `${c.name} ${c.appliance ?? ''} ${c.id}`.toLowerCase().includes(needle),
          );
          if (!shown.length) return null;
          return (
            <details key={facility.id} open={!!needle || shown.some((c) => selected.includes(c.id))}>
              <summary>
                {label} <span className="sub">{channels.length}</span>
              </summary>
              {shown.map((c) => (
                <label key={c.id} className="check">
                  <input
                    type="checkbox"
                    checked={selected.includes(c.id)}
                    onChange={() => toggle(c)}
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
