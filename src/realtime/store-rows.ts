/**
 * SQL shared by the DuckDB and PostgreSQL adapters of the live and alert repositories: DDL with the
 * types as parameters, the filter builder, and row mapping. Both databases accept `$n` parameters.
 */
import type { Alert, AlertState, Severity, Unit } from '../domain/types.ts';
import type { AlertFilter, AlertRepo } from '../store/ports/alerts.ts';
import type { PatternRule } from '../stream/rules/spec.ts';
import type { WindowAggregate } from '../stream/windows.ts';

/** Column types of one SQL dialect. */
export interface SqlTypes {
  text: string;
  big: string;
  dbl: string;
  bool: string;
}

/** DDL of the live tables. */
export function liveDdl(t: SqlTypes): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS live_latest (channel_id ${t.text} PRIMARY KEY, ts ${t.big} NOT NULL, value ${t.dbl} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS live_windows (channel_id ${t.text} NOT NULL, width_ms ${t.big} NOT NULL, start_ts ${t.big} NOT NULL,
       n ${t.big} NOT NULL, sum ${t.dbl} NOT NULL, min ${t.dbl} NOT NULL, max ${t.dbl} NOT NULL, final ${t.bool} NOT NULL,
       PRIMARY KEY (channel_id, width_ms, start_ts))`,
  ];
}

/** DDL of the alert tables. */
export function alertsDdl(t: SqlTypes): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS alerts (id ${t.text} PRIMARY KEY, rule ${t.text} NOT NULL, channel_id ${t.text} NOT NULL,
       facility_id ${t.text} NOT NULL, org_id ${t.text} NOT NULL, ts ${t.big} NOT NULL, end_ts ${t.big}, value ${t.dbl} NOT NULL,
       threshold ${t.dbl}, severity ${t.text} NOT NULL, state ${t.text} NOT NULL, message ${t.text} NOT NULL,
       created_at ${t.big} NOT NULL, updated_at ${t.big} NOT NULL, unit ${t.text})`,
    // Databases from before alerts carried their unit: add the column and fill it from the channels
    // (the catalog's tables are created before these).
    `ALTER TABLE alerts ADD COLUMN IF NOT EXISTS unit ${t.text}`,
    `UPDATE alerts SET unit = (SELECT c.unit FROM channels c WHERE c.id = alerts.channel_id) WHERE unit IS NULL`,
    `CREATE INDEX IF NOT EXISTS alerts_org_ts ON alerts (org_id, ts)`,
    `CREATE TABLE IF NOT EXISTS alert_rules (id ${t.text} PRIMARY KEY, org_id ${t.text} NOT NULL, name ${t.text} NOT NULL,
       body ${t.text} NOT NULL, created_at ${t.big} NOT NULL, updated_at ${t.big} NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS alert_rules_org ON alert_rules (org_id)`,
  ];
}

/** Columns of `alerts` in insert order. */
export const ALERT_COLUMNS =
  'id, rule, channel_id, facility_id, org_id, ts, end_ts, value, threshold, severity, state, message, created_at, updated_at, unit';

/** Number of {@link ALERT_COLUMNS}. */
export const ALERT_COLUMN_COUNT = ALERT_COLUMNS.split(',').length;

/** An alert as insert parameters. */
export function alertParams(a: Alert): (string | number | null)[] {
  return [
    a.id,
    a.rule,
    a.channelId,
    a.facilityId,
    a.orgId,
    a.ts,
    a.endTs,
    a.value,
    a.threshold,
    a.severity,
    a.state,
    a.message,
    a.createdAt,
    a.updatedAt,
    a.unit,
  ];
}

/** A row of `alerts` as an {@link Alert}. */
export function rowToAlert(r: Record<string, unknown>): Alert {
  return {
    id: String(r['id']),
    rule: String(r['rule']),
    channelId: String(r['channel_id']),
    facilityId: String(r['facility_id']),
    orgId: String(r['org_id']),
    ts: Number(r['ts']),
    endTs: r['end_ts'] === null || r['end_ts'] === undefined ? null : Number(r['end_ts']),
    value: Number(r['value']),
    threshold: r['threshold'] === null || r['threshold'] === undefined ? null : Number(r['threshold']),
    unit: r['unit'] === null || r['unit'] === undefined ? null : (String(r['unit']) as Unit),
    severity: String(r['severity']) as Severity,
    state: String(r['state']) as AlertState,
    message: String(r['message']),
    createdAt: Number(r['created_at']),
    updatedAt: Number(r['updated_at']),
  };
}

/** WHERE clause and parameters of an alert filter. */
export function alertWhere(f: AlertFilter): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (cond: (p: string) => string, v: string | number): void => {
    params.push(v);
    parts.push(cond(`$${params.length}`));
  };
  if (f.orgId !== undefined) add((p) => `org_id = ${p}`, f.orgId);
  if (f.channelId !== undefined) add((p) => `channel_id = ${p}`, f.channelId);
  if (f.severity !== undefined) add((p) => `severity = ${p}`, f.severity);
  if (f.rule !== undefined) add((p) => `rule = ${p}`, f.rule);
  if (f.from !== undefined) add((p) => `ts >= ${p}`, f.from);
  if (f.to !== undefined) add((p) => `ts < ${p}`, f.to);
  const inList = (col: string, values: string[]): void => {
    const ps = values.map((v) => {
      params.push(v);
      return `$${params.length}`;
    });
    parts.push(values.length ? `${col} IN (${ps.join(', ')})` : 'FALSE');
  };
  if (f.facilityIds !== undefined) inList('facility_id', f.facilityIds);
  if (f.states !== undefined) inList('state', f.states);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** A rule's stored body (everything but identity), as JSON. */
export function ruleBody(r: PatternRule): string {
  const { id: _id, orgId: _org, createdAt: _c, updatedAt: _u, ...body } = r;
  return JSON.stringify(body);
}

/** A row of `alert_rules` as a {@link PatternRule}. */
export function rowToRule(r: Record<string, unknown>): PatternRule {
  const body = JSON.parse(String(r['body'])) as Omit<PatternRule, 'id' | 'orgId' | 'createdAt' | 'updatedAt'>;
  return {
    ...body,
    id: String(r['id']),
    orgId: String(r['org_id']),
    createdAt: Number(r['created_at']),
    updatedAt: Number(r['updated_at']),
  };
}

/** A row of `live_windows` as a {@link WindowAggregate}. */
export function rowToWindow(r: Record<string, unknown>): WindowAggregate {
  return {
    channelId: String(r['channel_id']),
    widthMs: Number(r['width_ms']),
    start: Number(r['start_ts']),
    count: Number(r['n']),
    sum: Number(r['sum']),
    min: Number(r['min']),
    max: Number(r['max']),
    final: Boolean(r['final']),
  };
}

/** Runs a statement with positional `$n` parameters and returns its rows. */
export type AlertQuery = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * The methods of {@link AlertRepo} that are the same SQL on every store adapter; each adapter adds its own
 * inserts (`insertAlerts`, `putRule`).
 */
export function createAlertQueries(
  rows: AlertQuery,
): Pick<AlertRepo, 'updateAlert' | 'getAlert' | 'listAlerts' | 'getRule' | 'listRules' | 'deleteRule'> {
  return {
    async updateAlert(id, patch) {
      const sets: string[] = ['updated_at = $2'];
      const params: unknown[] = [id, patch.updatedAt];
      if (patch.state !== undefined) {
        params.push(patch.state);
        sets.push(`state = $${params.length}`);
      }
      if (patch.endTs !== undefined) {
        params.push(patch.endTs);
        sets.push(`end_ts = $${params.length}`);
      }
      await rows(`UPDATE alerts SET ${sets.join(', ')} WHERE id = $1`, params);
    },
    async getAlert(id) {
      const r = await rows(`SELECT * FROM alerts WHERE id = $1`, [id]);
      return r[0] ? rowToAlert(r[0]) : undefined;
    },
    async listAlerts(filter) {
      const w = alertWhere(filter);
      const r = await rows(
        `SELECT * FROM alerts ${w.sql} ORDER BY ts DESC, id LIMIT ${Math.trunc(filter.limit ?? 100)}`,
        w.params,
      );
      return r.map(rowToAlert);
    },
    async getRule(id) {
      const r = await rows(`SELECT * FROM alert_rules WHERE id = $1`, [id]);
      return r[0] ? rowToRule(r[0]) : undefined;
    },
    async listRules(filter = {}) {
      const r =
        filter.orgId === undefined
          ? await rows(`SELECT * FROM alert_rules ORDER BY org_id, name`)
          : await rows(`SELECT * FROM alert_rules WHERE org_id = $1 ORDER BY name`, [filter.orgId]);
      return r.map(rowToRule);
    },
    async deleteRule(id) {
      const r = await rows(`DELETE FROM alert_rules WHERE id = $1 RETURNING id`, [id]);
      return r.length > 0;
    },
  };
}
