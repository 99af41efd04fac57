/**
 * Alerts: the live feed with filters, acknowledge and close, the pattern-rule editor (YAML) and the
 * form-based rule builder. `?alert=<id>` (the link in alert e-mails) shows that alert on top,
 * whatever the filters.
 */
import { useEffect, useMemo, useState } from 'react';
import { ALERT_STATES, SEVERITIES } from '../../../src/domain/types.ts';
import { type LiveState, subscribeLive } from '../api/live.ts';
import type { Alert } from '../api/types.ts';
import { AlertList } from '../components/AlertList.tsx';
import { ZoneSwitch } from '../components/ZoneSwitch.tsx';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { RuleBuilder } from '../components/RuleBuilder.tsx';
import { RuleEditor } from '../components/RuleEditor.tsx';
import { type AlertFilter, matchesAlert, mergeAlerts } from '../lib/alerts.ts';
import { useApp } from '../lib/app-context.ts';
import { distinctNames } from '../lib/facility-names.ts';
import { useLocation } from '../lib/router.ts';
import { useLoad } from '../lib/use-load.ts';
import { FacilityZones } from '../lib/zone-choice.ts';

/** The alerts page. */
export function AlertsPage() {
  const { api, me } = useApp();
  const linkedId = useLocation().query.get('alert');
  const [rulesVersion, setRulesVersion] = useState(0);
  const [filter, setFilter] = useState<AlertFilter>({
    state: 'open',
    severity: '',
    facilityId: '',
    rule: '',
  });
  const loaded = useLoad(() => api.alerts({ limit: 500 }), [api]);
  const facilities = useLoad(() => api.facilities(), [api]);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [live, setLive] = useState<LiveState>('connecting');
  useEffect(() => setAlerts((prev) => mergeAlerts(prev, loaded.data ?? [])), [loaded.data]);
  useEffect(
    () =>
      subscribeLive(
        {},
        (events) => {
          const fresh = events.flatMap((e) => (e.type === 'alert' ? [e.alert] : []));
          if (fresh.length) setAlerts((prev) => mergeAlerts(prev, fresh));
        },
        setLive,
      ),
    [],
  );
  // Without the push, poll so that the feed still moves.
  const { reload } = loaded;
  useEffect(() => {
    if (live === 'open') return;
    const t = setInterval(reload, 3000);
    return () => clearInterval(t);
  }, [live, reload]);
  const names = useMemo(() => distinctNames(facilities.data ?? []), [facilities.data]);
  // "Facility time" here is each alert's own facility's zone.
  const zones = useMemo(
    () => ({ byFacility: new Map((facilities.data ?? []).map((f) => [f.id, f.timeZone])) }),
    [facilities.data],
  );
  const rules = useMemo(() => [...new Set(alerts.map((a) => a.rule))].sort(), [alerts]);
  const shown = useMemo(() => alerts.filter((a) => matchesAlert(a, filter)), [alerts, filter]);
  const linked = linkedId ? alerts.find((a) => a.id === linkedId) : undefined;
  const set = (k: keyof AlertFilter) => (e: { target: { value: string } }) =>
    setFilter((f) => ({ ...f, [k]: e.target.value }));

  return (
    <FacilityZones.Provider value={zones}>
      <div className="page-head">
        <h1>Alerts</h1>
        <div className="filters">
          <ZoneSwitch />
          <span className={`live-state ${live}`}>
            {live === 'open' ? 'live feed' : live === 'connecting' ? 'connecting…' : 'polling every 3 s'}
          </span>
        </div>
      </div>
      {linkedId ? (
        <div data-testid="linked-alert">
          <Card title="The alert you followed">
            {linked ? (
              <AlertList
                api={api}
                alerts={[linked]}
                role={me.role}
                facilityNames={names}
                onChange={(a) => setAlerts((prev) => mergeAlerts(prev, [a]))}
              />
            ) : (
              <Muted>
                {loaded.data
                  ? 'This alert is not among the latest 500 of your organisation.'
                  : 'Looking for it…'}
              </Muted>
            )}
          </Card>
        </div>
      ) : null}
      <div className="grid-2 wide-left">
        <Card title={`Feed (${shown.length})`}>
          <div className="filters">
            <select value={filter.state} onChange={set('state')} aria-label="state">
              <option value="">Any state</option>
              {ALERT_STATES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <select value={filter.severity} onChange={set('severity')} aria-label="severity">
              <option value="">Any severity</option>
              {SEVERITIES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <select value={filter.facilityId} onChange={set('facilityId')} aria-label="facility">
              <option value="">All facilities</option>
              {(facilities.data ?? []).map((f) => (
                <option key={f.id} value={f.id}>
                  {names.get(f.id) ?? f.name}
                </option>
              ))}
            </select>
            <select value={filter.rule} onChange={set('rule')} aria-label="rule">
              <option value="">All rules</option>
              {rules.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </div>
          <ErrorBox error={loaded.error} title="Alerts could not be loaded" />
          {shown.length ? (
            <AlertList
              api={api}
              alerts={shown}
              role={me.role}
              facilityNames={names}
              onChange={(a) => setAlerts((prev) => mergeAlerts(prev, [a]))}
            />
          ) : (
            <Muted>No alert matches the filters.</Muted>
          )}
        </Card>
        <div>
          <RuleEditor key={rulesVersion} api={api} canEdit={me.role !== 'viewer'} />
          <RuleBuilder
            api={api}
            canEdit={me.role !== 'viewer'}
            onSaved={() => setRulesVersion((v) => v + 1)}
          />
        </div>
      </div>
    </FacilityZones.Provider>
  );
}
