/**
 * The range picker of the facility page and explore (issue 16, item 4): a preset, a custom range of
 * local days from the calendar (native date inputs: keyboard and screen-reader friendly, a phone's own
 * picker at 390 px) and what to compare with. It only proposes; the page puts the choice in the URL.
 */
import { useState } from 'react';
import {
  COMPARISON_NAMES,
  type Comparison,
  type DateRange,
  parseRangeParams,
  PRESET_NAMES,
  presetOf,
  presetRange,
  RANGE_PRESETS,
  type RangePreset,
} from '../lib/range-query.ts';

/** Props of {@link RangePicker}. */
export interface RangePickerProps {
  /** The days shown. */
  days: DateRange;
  /** Today's local date, for the presets. */
  today: string;
  cmp: Comparison | undefined;
  /** Called with a new choice. */
  onChange: (days: DateRange, cmp: Comparison | undefined) => void;
  /** Show `Custom` whatever the days (explore zoomed in to part of them). */
  custom?: boolean;
}

/** The picker, a form row that wraps on narrow screens. */
export function RangePicker({ days, today, cmp, onChange, custom }: RangePickerProps) {
  const [draft, setDraft] = useState<DateRange | undefined>(undefined);
  const [invalid, setInvalid] = useState<string>();
  const shown = draft ?? days;
  const preset = custom ? undefined : presetOf(days, today);
  const go = (d: DateRange, c: Comparison | undefined) => {
    setDraft(undefined);
    setInvalid(undefined);
    onChange(d, c);
  };
  return (
    <form
      className="range-picker"
      data-testid="range-picker"
      onSubmit={(e) => {
        e.preventDefault();
        const p = parseRangeParams(shown);
        if (p.ok) go(p.range, cmp);
        else setInvalid(`${p.field === 'from' ? 'From' : 'To'}: ${p.message}`);
      }}
    >
      <label>
        Range
        <select
          data-testid="range-preset"
          value={preset ?? 'custom'}
          onChange={(e) => {
            if (e.target.value !== 'custom') go(presetRange(e.target.value as RangePreset, today), cmp);
          }}
        >
          {RANGE_PRESETS.map((p) => (
            <option key={p} value={p}>
              {PRESET_NAMES[p]}
            </option>
          ))}
          <option value="custom">Custom</option>
        </select>
      </label>
      <label>
        From
        <input
          type="date"
          data-testid="range-from"
          value={shown.from}
          max={shown.to}
          onChange={(e) => setDraft({ ...shown, from: e.target.value })}
        />
      </label>
      <label>
        To
        <input
          type="date"
          data-testid="range-to"
          value={shown.to}
          min={shown.from}
          onChange={(e) => setDraft({ ...shown, to: e.target.value })}
        />
      </label>
      <label>
        Compare with
        <select
          data-testid="range-cmp"
          value={cmp ?? 'none'}
          onChange={(e) => go(days, e.target.value === 'none' ? undefined : (e.target.value as Comparison))}
        >
          {(Object.keys(COMPARISON_NAMES) as Comparison[]).map((c) => (
            <option key={c} value={c}>
              {COMPARISON_NAMES[c]}
            </option>
          ))}
          <option value="none">nothing</option>
        </select>
      </label>
      <button type="submit" className="button" disabled={!draft} data-testid="range-apply">
        Show
      </button>
      {invalid ? (
        <div className="notice error range-invalid" role="alert">
          {invalid}
        </div>
      ) : null}
    </form>
  );
}
