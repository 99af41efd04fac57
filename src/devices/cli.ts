/**
 * `loadscope devices ...`: the device registry from the shell, beside a running server (the command
 * runs inside it through the admin socket, so a rotation closes the device's MQTT connections there
 * at once) or on its own. A token is printed once, on stdout, so that it can be piped into a
 * provisioning script; everything else goes to stderr.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { NotFoundError } from '../errors.ts';
import { formatConflicts, importDeviceFileAt } from './import.ts';
import { type DeviceView, type IssuedDevice, createDeviceService } from './service.ts';
import { STATUS_THRESHOLDS } from './status.ts';

const when = (t: number | null): string => (t === null ? 'never' : new Date(t).toISOString());

/** One line of the table. */
function row(d: DeviceView): string[] {
  return [
    d.name,
    d.id,
    d.facilityId ?? '-',
    d.status,
    when(d.lastSeenAt),
    d.messagesPerMinute.toFixed(1),
    String(d.rejected24h),
    `${d.token.state} ${d.token.hint}…`,
  ];
}

/** Columns padded to their widest cell. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Registers the devices feature's commands. */
export function registerDeviceCommands(program: Command, ctx: CliContext): void {
  const now = Date.now;
  const service = async () => {
    const store = await ctx.store();
    return { store, devices: createDeviceService({ store, now }) };
  };
  const orgOf = async (org: string) => {
    const s = await service();
    if (!(await s.store.catalog.getOrganisation(org))) throw new NotFoundError('organisation', org);
    return s;
  };
  const issued = (r: IssuedDevice, what: string): void => {
    const mqtt = ctx.config().mqtt;
    ctx.err.write(
      `${what} device '${r.device.name}' (${r.device.id}) of organisation '${r.device.orgId}'; its token is shown once:\n`,
    );
    ctx.out.write(`${r.token}\n`);
    ctx.err.write(
      `send with: mosquitto_pub -p ${mqtt.port} -u ${r.device.name} -P <token> -t loadscope/${r.device.orgId}/<meter>/<channel> -m '{"ts":...,"value":...}'\n`,
    );
  };
  const devices = program
    .command('devices')
    .description('the device registry: MQTT/HTTP senders and their tokens');
  devices
    .command('list')
    .description(
      `devices of an organisation: status (online within ${STATUS_THRESHOLDS.onlineMs / 60_000} min, stale within ${STATUS_THRESHOLDS.staleMs / 60_000} min, else silent), messages/min, readings refused in 24 h, token`,
    )
    .option('--org <id>', 'organisation', 'default')
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: { org: string; format: string }) => {
      const { devices: s } = await orgOf(o.org);
      const list = await s.list(o.org);
      if (o.format === 'json') return void ctx.out.write(`${JSON.stringify(list, null, 2)}\n`);
      const head = ['name', 'id', 'facility', 'status', 'last seen', 'msgs/min', 'refused 24h', 'token'];
      ctx.out.write(table([head, ...list.map(row)]));
    });
  devices
    .command('add <name>')
    .description('provision a device; prints its token once')
    .option('--org <id>', 'organisation', 'default')
    .option('--facility <id>', 'facility it sends for (it may then publish for its meters only)')
    .action(async (name: string, o: { org: string; facility?: string }) => {
      const { devices: s } = await orgOf(o.org);
      issued(
        await s.provision({ orgId: o.org, name, facilityId: o.facility ?? null, createdBy: null }),
        'created',
      );
    });
  devices
    .command('rotate <device>')
    .description('issue a new token (prints it once); the old one stops working at once')
    .option('--org <id>', 'organisation', 'default')
    .action(async (device: string, o: { org: string }) => {
      const { devices: s } = await orgOf(o.org);
      issued(await s.rotate(o.org, device), 'new token for');
    });
  devices
    .command('revoke <device>')
    .description("revoke a device's token: its connections close and its messages are refused")
    .option('--org <id>', 'organisation', 'default')
    .action(async (device: string, o: { org: string }) => {
      const { devices: s } = await orgOf(o.org);
      const d = await s.revoke(o.org, device);
      ctx.out.write(`revoked device '${d.name}' (${d.id})\n`);
    });
  devices
    .command('assign <device> <facility>')
    .description("assign a device to a facility ('none' to unassign)")
    .option('--org <id>', 'organisation', 'default')
    .action(async (device: string, facility: string, o: { org: string }) => {
      const { devices: s } = await orgOf(o.org);
      const d = await s.assign(o.org, device, facility === 'none' ? null : facility);
      ctx.out.write(`device '${d.name}' (${d.id}) assigned to ${d.facilityId ?? 'no facility'}\n`);
    });
  devices
    .command('import <file>')
    .description(
      'import a device token file (YAML/JSON list of {id, orgId, meterIds?, facilityId?, token | sha256}); idempotent, conflicts reported by line',
    )
    .action(async (file: string) => {
      const { store } = await service();
      const r = await importDeviceFileAt({ store, now }, ctx.resolvePath(file));
      ctx.out.write(
        `${r.created.length} created, ${r.unchanged.length} already registered, ${r.conflicts.length} conflict(s)\n`,
      );
      for (const line of formatConflicts(r)) ctx.err.write(`${line}\n`);
      if (r.conflicts.length > 0) ctx.setExitCode(65);
    });
}
