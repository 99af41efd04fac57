/**
 * The device registry, after ThingsBoard's device list: every device of the organisation with its
 * facility, status (online / stale / silent, thresholds stated above the table), last seen, message
 * rate, readings refused and token state, filtered by status and searched by name. Administrators
 * provision devices (the token is shown once, with a copy button and the MQTT and HTTP commands that
 * use it), rotate and revoke tokens, and assign devices to facilities; everyone else reads.
 */
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { type DeviceList, type DeviceRow, type IssuedDevice, devicesApi } from '../api/devices.ts';
import { Card, ErrorBox, Muted, Stat } from '../components/Notice.tsx';
import { useApp } from '../lib/app-context.ts';
import { DEVICE_STATUSES, type DeviceFilter, filterDevices, statusCounts } from '../lib/device-list.ts';
import { deviceSnippets } from '../lib/device-snippets.ts';
import { fmtAgo } from '../lib/format.ts';
import { useLoad } from '../lib/use-load.ts';
import { useTimeFormatter } from '../lib/zone-choice.ts';
import './devices.css';

/** The list refreshes this often, so that statuses and rates follow the devices. */
const REFRESH_MS = 15_000;

const minutes = (ms: number) => (ms >= 3_600_000 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`);

/** The devices page. */
export function DevicesPage() {
  const { api, me } = useApp();
  const devices = useMemo(() => devicesApi(api.http), [api]);
  const list = useLoad(() => devices.list(), [devices]);
  const facilities = useLoad(() => api.facilities(), [api]);
  const [filter, setFilter] = useState<DeviceFilter>('all');
  const [search, setSearch] = useState('');
  const [issued, setIssued] = useState<{ what: string; result: IssuedDevice }>();
  const [error, setError] = useState<Error>();
  const { reload } = list;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      list.reload();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  };

  const data = list.data;
  if (!data)
    return (
      <>
        <h1>Devices</h1>
        <ErrorBox error={list.error} title="Devices could not be loaded" />
        {list.error ? null : <Muted>Loading…</Muted>}
      </>
    );
  const counts = statusCounts(data.devices);
  const shown = filterDevices(data.devices, filter, search);
  const ownFacilities = (facilities.data ?? []).filter((f) => f.orgId === me.orgId);

  return (
    <>
      <h1>Devices</h1>
      <p className="muted" data-testid="device-thresholds">
        Online: sent within {minutes(data.thresholds.onlineMs)}. Stale: within{' '}
        {minutes(data.thresholds.staleMs)}. Silent: nothing for longer, or never. Messages per minute over the
        last {minutes(data.thresholds.rateWindowMs)}; refused readings over 24 h.
        {data.canManage ? null : ' You can read this list; an administrator manages the devices.'}
      </p>
      <div className="stats device-stats">
        <Stat label="Devices" value={data.devices.length} />
        {DEVICE_STATUSES.map((s) => (
          <Stat key={s} label={s} value={counts[s]} testId={`count-${s}`} />
        ))}
      </div>
      <ErrorBox error={error} />
      {issued ? (
        <TokenOnce what={issued.what} result={issued.result} onClose={() => setIssued(undefined)} />
      ) : null}
      {data.canManage ? (
        <ProvisionForm
          facilities={ownFacilities}
          onProvision={(name, facilityId) =>
            act(async () => setIssued({ what: 'created', result: await devices.provision(name, facilityId) }))
          }
        />
      ) : null}
      <Card
        title="Device list"
        actions={<DeviceFilters filter={filter} onFilter={setFilter} search={search} onSearch={setSearch} />}
      >
        {shown.length === 0 ? (
          <Muted>
            {data.devices.length === 0
              ? data.canManage
                ? 'No devices yet: provision one above, or import a token file with `loadscope devices import`.'
                : 'No devices yet.'
              : 'No device matches.'}
          </Muted>
        ) : (
          <DeviceTable
            rows={shown}
            data={data}
            facilities={ownFacilities}
            onRotate={(d) =>
              window.confirm(`Issue a new token for ${d.name}? The current one stops working at once.`) &&
              void act(async () => setIssued({ what: 'new token for', result: await devices.rotate(d.id) }))
            }
            onRevoke={(d) =>
              window.confirm(`Revoke the token of ${d.name}? Its connections close now.`) &&
              void act(() => devices.revoke(d.id))
            }
            onAssign={(d, facilityId) => void act(() => devices.assign(d.id, facilityId))}
          />
        )}
      </Card>
    </>
  );
}

/** The status filter buttons and the search box of the device list. */
function DeviceFilters({
  filter,
  onFilter,
  search,
  onSearch,
}: {
  filter: DeviceFilter;
  onFilter: (f: DeviceFilter) => void;
  search: string;
  onSearch: (s: string) => void;
}) {
  return (
    <div className="device-filters" role="group" aria-label="status filter">
      {(['all', ...DEVICE_STATUSES] as const).map((f) => (
        <button
          key={f}
          className={`small ${filter === f ? '' : 'ghost'}`}
          aria-pressed={filter === f}
          onClick={() => onFilter(f)}
        >
          {f}
        </button>
      ))}
      <input
        type="search"
        placeholder="search name or facility"
        aria-label="search devices"
        value={search}
        onChange={(e) => onSearch(e.target.value)}
      />
    </div>
  );
}

/** A facility to assign devices to. */
interface FacilityChoice {
  id: string;
  name: string;
}

function ProvisionForm({
  facilities,
  onProvision,
}: {
  facilities: FacilityChoice[];
  onProvision: (name: string, facilityId: string | null) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [facility, setFacility] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await onProvision(name.trim(), facility || null);
    setName('');
  };
  return (
    <Card title="Provision a device">
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <input
          placeholder="device name, e.g. boiler-gw-7"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={64}
          pattern="[A-Za-z0-9][A-Za-z0-9._:\-]*"
          title="letters, digits, '.', '_', '-' or ':'; starting with a letter or digit"
          aria-label="device name"
        />
        <select value={facility} onChange={(e) => setFacility(e.target.value)} aria-label="facility">
          <option value="">no facility (any meter of the organisation)</option>
          {facilities.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <button type="submit">Provision</button>
      </form>
    </Card>
  );
}

/** The token of a new or rotated device, shown once, with copy buttons and the commands. */
function TokenOnce({ what, result, onClose }: { what: string; result: IssuedDevice; onClose: () => void }) {
  const snippets = deviceSnippets(
    result.connect,
    result.device.orgId,
    result.device.name,
    result.token,
    window.location.origin,
  );
  return (
    <section className="card token-once" data-testid="device-token" aria-live="polite">
      <div className="card-head">
        <h2>
          Token {what === 'created' ? 'of new device' : 'issued for'} {result.device.name}
        </h2>
        <div className="card-actions">
          <button className="small ghost" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
      <p className="notice ok">Copy this token now: it is not shown again.</p>
      <CopyLine label="token" text={result.token} />
      <h3>MQTT</h3>
      <CopyLine label="MQTT command" text={snippets.mqtt} />
      <h3>HTTP</h3>
      <CopyLine label="HTTP command" text={snippets.http} />
    </section>
  );
}

function CopyLine({ label, text }: { label: string; text: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // Without clipboard access (plain http on another host) the text stays selectable.
      setCopied(false);
    }
  };
  return (
    <div className="copy-line">
      <pre aria-label={label}>{text}</pre>
      <button className="small" onClick={() => void copy()} aria-label={`copy ${label}`}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

function DeviceTable({
  rows,
  data,
  facilities,
  onRotate,
  onRevoke,
  onAssign,
}: {
  rows: DeviceRow[];
  data: DeviceList;
  facilities: FacilityChoice[];
  onRotate: (d: DeviceRow) => void;
  onRevoke: (d: DeviceRow) => void;
  onAssign: (d: DeviceRow, facilityId: string | null) => void;
}) {
  const fmtTime = useTimeFormatter();
  const now = Date.now();
  return (
    <div className="table-wrap">
      <table className="table devices-table" data-testid="device-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Facility</th>
            <th>Status</th>
            <th>Last seen</th>
            <th className="num">Msgs/min</th>
            <th className="num">Refused 24 h</th>
            <th>Token</th>
            {data.canManage ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr
              key={d.id}
              data-testid={`device-${d.name}`}
              className={d.token.state === 'revoked' ? 'revoked' : ''}
            >
              <td data-label="Name">
                <strong>{d.name}</strong>
                <div className="sub">
                  {d.id}
                  {d.source === 'import' ? ' · imported' : ''}
                </div>
              </td>
              <td data-label="Facility">
                {data.canManage ? (
                  <select
                    value={d.facilityId ?? ''}
                    aria-label={`facility of ${d.name}`}
                    onChange={(e) => onAssign(d, e.target.value || null)}
                  >
                    <option value="">none</option>
                    {facilities.map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.name}
                      </option>
                    ))}
                    {d.facilityId && !facilities.some((f) => f.id === d.facilityId) ? (
                      <option value={d.facilityId}>{d.facilityName ?? d.facilityId}</option>
                    ) : null}
                  </select>
                ) : (
                  (d.facilityName ?? (d.facilityId ? d.facilityId : '–'))
                )}
              </td>
              <td data-label="Status">
                <span className={`device-status ${d.status}`}>{d.status}</span>
              </td>
              <td data-label="Last seen" title={d.lastSeenAt ? fmtTime(d.lastSeenAt) : undefined}>
                {d.lastSeenAt ? fmtAgo(d.lastSeenAt, now) : 'never'}
              </td>
              <td data-label="Msgs/min" className="num">
                {d.messagesPerMinute.toFixed(1)}
              </td>
              <td data-label="Refused 24 h" className={`num ${d.rejected24h > 0 ? 'refused' : ''}`}>
                <span>
                  {d.rejected24h}
                  {d.rejectedTotal > d.rejected24h ? (
                    <span className="sub"> ({d.rejectedTotal} in all)</span>
                  ) : null}
                </span>
              </td>
              <td data-label="Token">
                <div className="token-cell">
                  <span className={`badge ${d.token.state === 'revoked' ? 'critical' : 'info'}`}>
                    {d.token.state}
                  </span>{' '}
                  <code>{d.token.hint}…</code>
                  <div className="sub">
                    {d.token.state === 'revoked' && d.token.revokedAt
                      ? `revoked ${fmtTime(d.token.revokedAt)}`
                      : `issued ${fmtTime(d.token.issuedAt)}`}
                  </div>
                </div>
              </td>
              {data.canManage ? (
                <td className="actions">
                  <button className="small" onClick={() => onRotate(d)}>
                    {d.token.state === 'revoked' ? 'New token' : 'Rotate'}
                  </button>
                  {d.token.state === 'active' ? (
                    <button className="small danger" onClick={() => onRevoke(d)}>
                      Revoke
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
