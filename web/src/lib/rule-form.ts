/**
 * The form-based rule builder's logic: a few fields (name, facility and channel, kind, threshold with
 * its unit, duration, severity) become the same rule shape the YAML editor and the API take, checked
 * with the server's own rule parser so that the form refuses what saving would refuse.
 */
import type { Channel, Severity, Unit } from '../../../src/domain/types.ts';
import { parseRule } from '../../../src/domain/rule-spec.ts';
import type { RuleInput } from '../api/types.ts';

/** The conditions the form offers (the YAML editor has the combinations). */
export const FORM_KINDS = ['above', 'below', 'silent', 'drop_to_zero'] as const;
/** One of {@link FORM_KINDS}. */
export type FormKind = (typeof FORM_KINDS)[number];

/** What each kind means, for the form's labels. */
export const KIND_LABEL: Record<FormKind, string> = {
  above: 'rises above',
  below: 'falls below',
  silent: 'sends nothing for',
  drop_to_zero: 'drops to zero from at least',
};

/** The form's fields, as typed. */
export interface RuleForm {
  name: string;
  facilityId: string;
  /** A channel id, or '' for every mains channel of the facility. */
  channelId: string;
  kind: FormKind;
  /** Threshold as typed (above, below, drop_to_zero). */
  threshold: string;
  /** Unit the threshold is typed in; converted to the channel's unit. */
  unit: Unit;
  /** How long the condition must hold (above, below) or the silence lasts (silent), e.g. `5m`. */
  duration: string;
  severity: Severity;
}

// Units a threshold can be typed in, by the channel unit's family, with their size in the family's base.
const FAMILIES: Record<string, Partial<Record<Unit, number>>> = {
  power: { W: 1, kW: 1000 },
  energy: { Wh: 1, kWh: 1000 },
};

/** Units a threshold for a channel of `unit` may be typed in (the channel's own unit first). */
export function thresholdUnits(unit: Unit): Unit[] {
  const family = Object.values(FAMILIES).find((f) => unit in f);
  return family ? [unit, ...(Object.keys(family) as Unit[]).filter((u) => u !== unit)] : [unit];
}

/** `value` typed in `from` as a value in the channel's unit `to`. */
export function convert(value: number, from: Unit, to: Unit): number {
  if (from === to) return value;
  const family = Object.values(FAMILIES).find((f) => from in f && to in f);
  if (!family) throw new Error(`a threshold in ${from} cannot apply to a channel measured in ${to}`);
  return (value * (family[from] as number)) / (family[to] as number);
}

/**
 * The rule the form describes, checked by the server's rule parser; throws with a message naming the
 * field at fault. `channel` is the chosen channel (undefined for every mains channel, which are in W).
 */
export function formToRule(f: RuleForm, channel: Channel | undefined): RuleInput {
  if (!f.facilityId) throw new Error('facility: choose the facility the rule watches');
  const needsValue = f.kind !== 'silent';
  let value: number | undefined;
  if (needsValue) {
    const typed = Number(f.threshold.trim().replace(',', '.'));
    if (f.threshold.trim() === '' || !Number.isFinite(typed))
      throw new Error(`threshold: expected a number in ${f.unit}, got '${f.threshold}'`);
    value = convert(typed, f.unit, channel?.unit ?? 'W');
  }
  const duration = f.duration.trim();
  if (f.kind === 'silent' && !duration) throw new Error('duration: how long without readings, e.g. 15m');
  const condition =
    f.kind === 'silent'
      ? { type: 'silent' as const, for: duration }
      : f.kind === 'drop_to_zero'
        ? { type: 'drop_to_zero' as const, from: value }
        : { type: f.kind, value: value as number, ...(duration ? { for: duration } : {}) };
  const rule = {
    name: f.name.trim(),
    severity: f.severity,
    scope: channel ? { channelIds: [channel.id] } : { facilityIds: [f.facilityId], mainsOnly: true },
    condition,
  } as RuleInput;
  parseRule(rule, 'rule');
  return rule;
}

/** The empty form: above 5 minutes, a warning, on every mains channel once a facility is chosen. */
export const EMPTY_RULE_FORM: RuleForm = {
  name: '',
  facilityId: '',
  channelId: '',
  kind: 'above',
  threshold: '',
  unit: 'kW',
  duration: '5m',
  severity: 'warning',
};

/** The form after choosing a facility: its channel choice goes back to every mains channel. */
export function chooseFacility(f: RuleForm, facilityId: string): RuleForm {
  return { ...f, facilityId, channelId: '' };
}

/** The form after choosing a channel: the threshold is typed in the channel's unit (W for mains). */
export function chooseChannel(f: RuleForm, channels: readonly Channel[], channelId: string): RuleForm {
  const c = channels.find((x) => x.id === channelId);
  return { ...f, channelId, unit: c?.unit ?? 'W' };
}

/** Which fields a kind asks for: a threshold (not for silence), a duration (not for a drop to zero). */
export function kindFields(kind: FormKind): { threshold: boolean; duration: string | null } {
  return {
    threshold: kind !== 'silent',
    duration: kind === 'drop_to_zero' ? null : kind === 'silent' ? 'Silence of' : 'For at least',
  };
}

/** The rule the form makes, or why it makes none (the message the server's parser gives). */
export function previewRule(
  f: RuleForm,
  channel: Channel | undefined,
): { rule: RuleInput } | { error: string } {
  try {
    return { rule: formToRule(f, channel) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
