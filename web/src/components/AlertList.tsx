/** A list of alerts with severity, state, time and the acknowledge / close actions for analysts and admins. */
import { useState } from 'react';
import type { Api } from '../api/endpoints.ts';
import type { Alert, Role } from '../api/types.ts';
import { formatQuantity } from '../../../src/domain/quantity.ts';
import { useTimeFormatter, useZone } from '../lib/zone-choice.ts';

/** Props of {@link AlertList}. */
export interface AlertListProps {
  api: Api;
  alerts: Alert[];
  role: Role;
  /** Facility names by id, to show where an alert happened. */
  facilityNames?: Map<string, string>;
  /** Called with the updated alert after an action. */
  onChange: (a: Alert) => void;
}

/** Renders alert rows. */
export function AlertList({ api, alerts, role, facilityNames, onChange }: AlertListProps) {
  const fmtTime = useTimeFormatter();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const act = async (a: Alert, action: 'ack' | 'close') => {
    setBusy(a.id);
    setError(undefined);
    try {
      const updated = action === 'ack' ? await api.ackAlert(a.id) : await api.closeAlert(a.id);
      onChange(updated ?? { ...a, state: action === 'ack' ? 'acknowledged' : 'closed' });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(undefined);
    }
  };
  const canAct = role !== 'viewer';
  return (
    <>
      {error ? (
        <div className="notice error" role="alert">
          {error}
        </div>
      ) : null}
      <ul className="alerts" data-testid="alert-list">
        {alerts.map((a) => (
          <li
            key={a.id}
            className={`alert ${a.severity} ${a.state}`}
            data-alert-id={a.id}
            data-state={a.state}
          >
            <span className={`badge ${a.severity}`}>{a.severity}</span>
            <div className="alert-body">
              <div className="alert-title">
                {a.message || a.rule}
                {facilityNames ? (
                  <span className="sub"> · {facilityNames.get(a.facilityId) ?? a.facilityId}</span>
                ) : null}
              </div>
              <div className="sub">
                {fmtTime(a.ts, a.facilityId)} · rule {a.rule} · channel {a.channelId} · {alertFigures(a)}
              </div>
            </div>
            <span className={`state ${a.state}`}>{a.state}</span>
            {canAct && a.state === 'open' ? (
              <button className="small" disabled={busy === a.id} onClick={() => void act(a, 'ack')}>
                Acknowledge
              </button>
            ) : null}
            {canAct && a.state !== 'closed' ? (
              <button className="small ghost" disabled={busy === a.id} onClick={() => void act(a, 'close')}>
                Close
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * The value and threshold of an alert in its channel's unit (`value 1.53 kWh · threshold 1.48 kWh`).
 * The threshold is not written as "> x": below and drop rules cross it downwards.
 */
export function alertFigures(a: Pick<Alert, 'value' | 'threshold' | 'unit'>): string {
  const q = (v: number) => (a.unit ? formatQuantity(v, { unit: a.unit }) : String(v));
  return `value ${q(a.value)}${a.threshold === null ? '' : ` · threshold ${q(a.threshold)}`}`;
}

/** A 7-day strip with one mark per alert, coloured by severity. */
export function AlertTimeline({ alerts, now, days = 7 }: { alerts: Alert[]; now: number; days?: number }) {
  const from = now - days * 86_400_000;
  const fmtTime = useTimeFormatter();
  const { zone } = useZone();
  const x = (t: number) => `${(((t - from) / (now - from)) * 100).toFixed(2)}%`;
  return (
    <div className="timeline" data-testid="alert-timeline">
      {Array.from({ length: days + 1 }, (_, i) => (
        <span key={i} className="timeline-tick" style={{ left: `${(i / days) * 100}%` }}>
          {new Date(from + i * 86_400_000).toLocaleDateString(undefined, {
            weekday: 'short',
            timeZone: zone,
          })}
        </span>
      ))}
      {alerts
        .filter((a) => a.ts >= from)
        .map((a) => (
          <span
            key={a.id}
            className={`timeline-mark ${a.severity}`}
            style={{ left: x(a.ts) }}
            title={`${fmtTime(a.ts, a.facilityId)} ${a.message || a.rule} (${a.state})`}
          />
        ))}
    </div>
  );
}
