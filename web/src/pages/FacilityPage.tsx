/** Facility: live mains power, channel breakdown, energy by period, heat map, alerts timeline, scores and NILM. */
import { useEffect, useMemo, useState } from 'react';
import { livePowerChannels } from '../../../src/domain/power.ts';
import { subscribeLive } from '../api/live.ts';
import type { Alert, DataExtent } from '../api/types.ts';
import { AlertList, AlertTimeline } from '../components/AlertList.tsx';
import { ChannelBreakdown } from '../components/ChannelBreakdown.tsx';
import { EnergyFlows } from '../components/EnergyFlows.tsx';
import { FacilityCost } from '../components/FacilityCost.tsx';
import { FacilityEnergy } from '../components/FacilityEnergy.tsx';
import { FacilityRange } from '../components/FacilityRange.tsx';
import { NilmSection, ScoresSection } from '../components/Insights.tsx';
import { LiveAppliances } from '../components/LiveAppliances.tsx';
import { Link } from '../components/Layout.tsx';
import { LiveChart } from '../components/LiveChart.tsx';
import { Card, ErrorBox, Muted } from '../components/Notice.tsx';
import { mergeAlerts } from '../lib/alerts.ts';
import { useApp } from '../lib/app-context.ts';
import { energyViewEnd } from '../lib/data-extent.ts';
import { useLoad } from '../lib/use-load.ts';
import { FacilityZones, useTimeFormatter, useZone } from '../lib/zone-choice.ts';
import { ZoneCaption, ZoneSwitch } from '../components/ZoneSwitch.tsx';

const DAY = 86_400_000;

/** Says that the views show an older history, where it lies, and links to it in explore. */
function HistoryNotice({
  extent,
  facilityId,
  channelIds,
}: {
  extent: DataExtent;
  facilityId: string;
  channelIds: string[];
}) {
  const fmtTime = useTimeFormatter();
  const to = extent.to ?? 0;
  const q = new URLSearchParams({
    channels: channelIds.join(','),
    from: String(to - DAY),
    to: String(to + 60_000),
  });
  return (
    <div className="notice info" data-testid="history-notice">
      No readings in the last 24 hours: the energy views below end at the last reading,{' '}
      <strong>{fmtTime(to, facilityId)}</strong> (history from {fmtTime(extent.from ?? to, facilityId)}).{' '}
      <Link to={`/explore?${q.toString()}`}>Explore its last day →</Link>
    </div>
  );
}

/** Names the zone of the alert timeline's day ticks. */
function TimelineZone() {
  const { caption } = useZone();
  return <ZoneCaption caption={`${caption}: the last 7 days`} testId="timeline-zone" />;
}

/** The facility dashboard. */
export function FacilityPage({ facilityId }: { facilityId: string }) {
  const { api, me } = useApp();
  const detail = useLoad(() => api.facility(facilityId), [api, facilityId]);
  const loaded = useLoad(() => api.alerts({ facilityId, limit: 200 }), [api, facilityId]);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  useEffect(() => setAlerts(loaded.data ?? []), [loaded.data]);
  useEffect(
    () =>
      subscribeLive({}, (events) => {
        const fresh = events.flatMap((e) =>
          e.type === 'alert' && e.alert.facilityId === facilityId ? [e.alert] : [],
        );
        if (fresh.length) setAlerts((prev) => mergeAlerts(prev, fresh));
      }),
    [facilityId],
  );
  // Each meter's mains power, or its interval energy as average power where it measures no power.
  const mains = useMemo(() => livePowerChannels(detail.data?.channels ?? []), [detail.data]);
  const now = useMemo(() => Date.now(), []);
  // Where the data is: the energy views end at the last reading when it is older than a day.
  const extent = useLoad(() => api.extent(facilityId), [api, facilityId]);
  const lastTs = extent.data?.to ?? null;
  const until = extent.data ? energyViewEnd(lastTs, now, detail.data?.facility.timeZone) : undefined;
  const zones = useMemo(() => ({ zone: detail.data?.facility.timeZone }), [detail.data]);

  if (detail.error) return <ErrorBox error={detail.error} title="This facility could not be loaded" />;
  if (!detail.data) return <Muted>Loading…</Muted>;
  const { facility, channels, meters } = detail.data;
  return (
    <FacilityZones.Provider value={zones}>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to="/">Fleet</Link> /
          </div>
          <h1 data-testid="facility-name">{facility.name}</h1>
          <div className="sub">
            <span className={`tag kind-${facility.kind}`}>{facility.kind}</span> {facility.address ?? ''}{' '}
            {facility.zip ?? ''} · {facility.timeZone} · {meters.length} meter{meters.length === 1 ? '' : 's'}{' '}
            · {channels.length} channel{channels.length === 1 ? '' : 's'}
            {facility.orgId !== me.orgId ? <span className="tag">shared, {facility.access}</span> : null}
            {facility.tags.map((t) => (
              <span key={t} className="tag light">
                {t}
              </span>
            ))}
          </div>
        </div>
        <div className="filters">
          <ZoneSwitch />
          <Link
            to={`/explore?channels=${encodeURIComponent(channels.map((c) => c.id).join(','))}`}
            className="button ghost"
          >
            Explore these channels →
          </Link>
        </div>
      </div>
      {until !== undefined && extent.data ? (
        <HistoryNotice extent={extent.data} facilityId={facility.id} channelIds={channels.map((c) => c.id)} />
      ) : null}
      <Card title="Live mains power">
        {mains.length ? (
          <LiveChart api={api} facilityId={facility.id} channels={mains} lastStoredTs={lastTs} />
        ) : (
          <Muted>No mains power channel.</Muted>
        )}
      </Card>
      <FacilityRange api={api} facility={facility} />
      <div className="grid-2">
        <div>
          {extent.data || extent.error ? (
            <>
              <FacilityEnergy api={api} facility={facility} until={until} />
              <FacilityCost api={api} facility={facility} until={until} />
            </>
          ) : null}
          {extent.data || extent.error ? <EnergyFlows api={api} facility={facility} until={until} /> : null}
        </div>
        <div>
          <Card title="Alerts">
            <AlertTimeline alerts={alerts} now={now} />
            <TimelineZone />
            <ErrorBox error={loaded.error} title="Alerts could not be loaded" />
            {alerts.length ? (
              <AlertList
                api={api}
                alerts={alerts.slice(0, 20)}
                role={me.role}
                onChange={(a) => setAlerts((prev) => mergeAlerts(prev, [a]))}
              />
            ) : loaded.data ? (
              <Muted>No alerts for this facility.</Muted>
            ) : null}
          </Card>
          <ChannelBreakdown api={api} facilityId={facility.id} channels={channels} until={until} />
          <ScoresSection api={api} facilityId={facility.id} />
          <LiveAppliances api={api} facilityId={facility.id} />
          <NilmSection api={api} facilityId={facility.id} />
        </div>
      </div>
    </FacilityZones.Provider>
  );
}
