/** The alerts repository (alerts raised by stream rules, and the pattern rules), written once for every adapter. */
import { ALERT_STATES, type Alert, SEVERITIES, UNITS } from '../../domain/types.ts';
import { ConflictError, StoreError } from '../../errors.ts';
// The rule's shape is the stream feature's (a zod schema there); the store keeps its body as JSON.
import type { PatternRule } from '../../domain/rule-spec.ts';
import type { AlertFilter, AlertRepo } from '../ports/alerts.ts';
import type { SqlDialect } from './dialect.ts';
import { json, num, numOrNull, oneOf, oneOfOrNull, type Row, str } from './row.ts';
import { insertMany, type SqlDb } from './sql-db.ts';

/** DDL of the alert tables. */
export function alertsDdl(t: SqlDialect): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS alerts (id ${t.text} PRIMARY KEY, rule ${t.text} NOT NULL, channel_id ${t.text} NOT NULL,
       facility_id ${t.text} NOT NULL, org_id ${t.text} NOT NULL, ts ${t.big} NOT NULL, end_ts ${t.big}, value ${t.double} NOT NULL,
       threshold ${t.double}, severity ${t.text} NOT NULL, state ${t.text} NOT NULL, message ${t.text} NOT NULL,
       created_at ${t.big} NOT NULL, updated_at ${t.big} NOT NULL, unit ${t.text})`,
    // Databases from before alerts carried their unit: add the column and fill it from the channels
    // (the catalog's tables are created before these).
    `ALTER TABLE alerts ADD COLUMN IF NOT EXISTS unit ${t.text}`,
    `UPDATE alerts SET unit = (SELECT c.unit FROM channels c WHERE c.id = alerts.channel_id) WHERE unit IS NULL`,
    `CREATE INDEX IF NOT EXISTS alerts_org_ts ON alerts (org_id, ts)`,
    `CREATE TABLE IF NOT EXISTS alert_rules (id ${t.text} PRIMARY KEY, org_id ${t.text} NOT NULL, name ${t.text} NOT NULL,
       body ${t.text} NOT NULL, created_at ${t.big} NOT NULL, updated_at ${t.big} NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS alert_rules_org ON alert_rules (org_id)`,
    // PostgreSQL also guards rule names against concurrent writers (DuckDB has one writing process).
    ...(t.name === 'postgres'
      ? ['CREATE UNIQUE INDEX IF NOT EXISTS alert_rules_org_name ON alert_rules (org_id, name)']
      : []),
  ];
}

const ALERT_COLUMNS =
  'id, rule, channel_id, facility_id, org_id, ts, end_ts, value, threshold, severity, state, message, created_at, updated_at, unit';

function alertParams(a: Alert): (string | number | null)[] {
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

function rowToAlert(r: Row): Alert {
  return {
    id: str(r, 'id'),
    rule: str(r, 'rule'),
    channelId: str(r, 'channel_id'),
    facilityId: str(r, 'facility_id'),
    orgId: str(r, 'org_id'),
    ts: num(r, 'ts'),
    endTs: numOrNull(r, 'end_ts'),
    value: num(r, 'value'),
    threshold: numOrNull(r, 'threshold'),
    unit: oneOfOrNull(r, 'unit', UNITS),
    severity: oneOf(r, 'severity', SEVERITIES),
    state: oneOf(r, 'state', ALERT_STATES),
    message: str(r, 'message'),
    createdAt: num(r, 'created_at'),
    updatedAt: num(r, 'updated_at'),
  };
}

/** WHERE clause and parameters of an alert filter. */
function alertWhere(f: AlertFilter): { sql: string; params: (string | number)[] } {
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
function ruleBody(r: PatternRule): string {
  const { id: _id, orgId: _org, createdAt: _c, updatedAt: _u, ...body } = r;
  return JSON.stringify(body);
}

/** A row of `alert_rules` as a {@link PatternRule}; its body was validated when it was put. */
function rowToRule(r: Row): PatternRule {
  return {
    ...json<Omit<PatternRule, 'id' | 'orgId' | 'createdAt' | 'updatedAt'>>(r, 'body'),
    id: str(r, 'id'),
    orgId: str(r, 'org_id'),
    createdAt: num(r, 'created_at'),
    updatedAt: num(r, 'updated_at'),
  };
}

const isUniqueViolation = (err: unknown): boolean =>
  err instanceof StoreError && (err.cause as { code?: string } | undefined)?.code === '23505';

/** The {@link AlertRepo} over a database. */
export function createAlertRepo(db: SqlDb): AlertRepo {
  const rows = (sql: string, params?: unknown[]) => db.query(sql, params);
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
    async insertAlerts(alerts) {
      const head = `INSERT INTO alerts (${ALERT_COLUMNS})`;
      await insertMany(db, head, alerts.map(alertParams), 'ON CONFLICT (id) DO NOTHING', 200);
    },
    async putRule(rule) {
      const clash = await rows(`SELECT id FROM alert_rules WHERE org_id = $1 AND name = $2 AND id <> $3`, [
        rule.orgId,
        rule.name,
        rule.id,
      ]);
      if (clash.length)
        throw new ConflictError(`a rule named '${rule.name}' already exists in organisation '${rule.orgId}'`);
      const exists = await rows(`SELECT id FROM alert_rules WHERE id = $1`, [rule.id]);
      try {
        if (exists.length)
          await rows(`UPDATE alert_rules SET name = $2, body = $3, updated_at = $4 WHERE id = $1`, [
            rule.id,
            rule.name,
            ruleBody(rule),
            rule.updatedAt,
          ]);
        else
          await rows(`INSERT INTO alert_rules VALUES ($1, $2, $3, $4, $5, $6)`, [
            rule.id,
            rule.orgId,
            rule.name,
            ruleBody(rule),
            rule.createdAt,
            rule.updatedAt,
          ]);
      } catch (err) {
        // Another process took the name between the check and the write.
        if (isUniqueViolation(err))
          throw new ConflictError('a rule with this name already exists in the organisation');
        throw err;
      }
    },
    async deleteRule(id) {
      const r = await rows(`DELETE FROM alert_rules WHERE id = $1 RETURNING id`, [id]);
      return r.length > 0;
    },
  };
}
