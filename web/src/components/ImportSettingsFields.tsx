/**
 * The settings of an upload beyond the file: what the CLI takes as flags (`--unit`, `--tz`, ...), as
 * form fields, so that a wide CSV or a local-time file can be imported from the browser. The common
 * ones are always shown; column names and timestamp details sit under "More settings". Error messages
 * of the server name these settings by the labels used here ("Unit (unit)").
 */
import { FACILITY_KINDS, MEASUREMENTS } from '../../../src/domain/types.ts';
import { IMPORT_FORMATS, TS_FORMATS } from '../../../src/ingest/types.ts';
import type { ImportSettings } from '../api/types.ts';

/** Units an upload can state (the importer's accepted spellings). */
const UNITS = ['W', 'kW', 'MW', 'Wh', 'kWh', 'MWh', 'm3', 'ft3', 'ccf', 'therm', 'L', 'gal'];

/** IANA time zones the browser knows, for the time zone field's suggestions. */
function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/** Props of {@link ImportSettingsFields}. */
export interface ImportSettingsProps {
  value: ImportSettings;
  onChange: (next: ImportSettings) => void;
  /** Facilities the user may import into (id and name). */
  facilities: { id: string; name: string }[];
}

/** The upload's settings as labelled form fields; an empty field leaves the importer's default. */
export function ImportSettingsFields({ value, onChange, facilities }: ImportSettingsProps) {
  const set = (k: keyof ImportSettings) => (e: { target: { value: string } }) => {
    const v = e.target.value.trim();
    const next = { ...value } as Record<string, unknown>;
    if (v === '') delete next[k];
    else next[k] = k === 'interval' ? Number(v) : v;
    onChange(next);
  };
  const text = (k: keyof ImportSettings) => (value[k] === undefined ? '' : String(value[k]));
  const field = (k: keyof ImportSettings, label: string, placeholder = '') => (
    <label>
      {label}
      <input value={text(k)} onChange={set(k)} placeholder={placeholder} aria-label={k} />
    </label>
  );
  return (
    <>
      <label>
        Format
        <select value={text('format')} onChange={set('format')} aria-label="format">
          <option value="">Detect from the file</option>
          {IMPORT_FORMATS.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </label>
      <label>
        Facility
        <select value={text('facility')} onChange={set('facility')} aria-label="facility">
          <option value="">Named after the file (utility files: one per service address)</option>
          {facilities.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Unit (when the file does not say)
        <select value={text('unit')} onChange={set('unit')} aria-label="unit">
          <option value="">From the file</option>
          {UNITS.map((u) => (
            <option key={u}>{u}</option>
          ))}
        </select>
      </label>
      <label>
        Time zone (of local times in the file and of the facility)
        <input
          value={text('tz')}
          onChange={set('tz')}
          list="import-time-zones"
          placeholder="e.g. Europe/London; default UTC"
          aria-label="tz"
        />
        <datalist id="import-time-zones">
          {timeZones().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </label>
      {field('zip', 'Zip code of the facility')}
      <label>
        Facility kind
        <select value={text('kind')} onChange={set('kind')} aria-label="kind">
          <option value="">Unchanged (new facilities: from the file, else unknown)</option>
          {FACILITY_KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </label>
      <details className="import-more">
        <summary>More settings (columns, timestamps, sampling)</summary>
        <div className="form-group">
          <label>
            Measurement
            <select value={text('measurement')} onChange={set('measurement')} aria-label="measurement">
              <option value="">From the unit (W: power, Wh: interval energy)</option>
              {MEASUREMENTS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <label>
            Interval, seconds (sampling or interval length)
            <input
              type="number"
              min="0"
              step="any"
              value={text('interval')}
              onChange={set('interval')}
              aria-label="interval"
            />
          </label>
          {field('tsCol', 'Timestamp column', 'default: the first column')}
          <label>
            Timestamp format
            <select value={text('tsFormat')} onChange={set('tsFormat')} aria-label="tsFormat">
              <option value="">Detect</option>
              {TS_FORMATS.filter((f) => f !== 'auto').map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
          {field('valueCol', 'Value column (long CSV)')}
          {field('channelCol', 'Channel column (long CSV)')}
          {field('meterCol', 'Meter column (long CSV)')}
          {field('unitCol', 'Unit column (long CSV)')}
          {field('start', 'Start time (files with seconds from the start)', 'ISO-8601 or unix seconds')}
        </div>
      </details>
    </>
  );
}
