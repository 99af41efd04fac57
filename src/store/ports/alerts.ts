import type { Alert, AlertState, Severity } from '../../domain/types.ts';
import type { PatternRule } from '../../domain/rule-spec.ts';

/** Which alerts to list; every given field must match. */
export interface AlertFilter {
  orgId?: string;
  /** Alerts of any of these facilities. */
  facilityIds?: string[];
  channelId?: string;
  states?: AlertState[];
  severity?: Severity;
  rule?: string;
  /** Alerts that started at or after `from` and before `to` (UTC ms). */
  from?: number;
  to?: number;
  /** At most this many, newest first; default 100. */
  limit?: number;
}

/** Alerts raised by stream rules, and the pattern rules themselves. Owned by the real-time feature. */
export interface AlertRepo {
  /** Stores alerts; an alert whose id is already stored is left unchanged (replays are harmless). */
  insertAlerts(alerts: Alert[]): Promise<void>;
  /** Changes an alert's state and/or end time. */
  updateAlert(
    id: string,
    patch: { state?: AlertState; endTs?: number | null; updatedAt: number },
  ): Promise<void>;
  /** One alert, or undefined. */
  getAlert(id: string): Promise<Alert | undefined>;
  /** Alerts matching the filter, newest first. */
  listAlerts(filter: AlertFilter): Promise<Alert[]>;
  /** Creates or replaces a pattern rule (by id); throws ConflictError when its name is taken in the organisation. */
  putRule(rule: PatternRule): Promise<void>;
  /** One rule, or undefined. */
  getRule(id: string): Promise<PatternRule | undefined>;
  /** Rules, optionally of one organisation, ordered by name. */
  listRules(filter?: { orgId?: string }): Promise<PatternRule[]>;
  /** Deletes a rule; false when there was none. */
  deleteRule(id: string): Promise<boolean>;
}
