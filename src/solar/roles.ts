/**
 * Which electricity channels carry which energy flow, read from what importers and the simulator
 * name them: DSMR's `power_import`/`energy_import[_t1|_t2]` and `..._export...` (1.x.x and 2.x.x
 * OBIS codes), Green Button's `..., exported` (flowDirection 19), the simulator's `grid_import`,
 * `grid_export`, `pv`, `battery_charge` and `battery_discharge`, and common labels (`solar`,
 * `feed-in`, ...). A meter may carry the same flow several ways (DSMR: the power, the total register,
 * two tariff registers and three phases); one source per flow and meter is chosen so nothing is
 * counted twice (see {@link chooseSources}).
 */
import type { Channel } from '../domain/types.ts';

/** Energy flows a channel can carry. `net` is a signed grid channel: positive imports, negative exports. */
export const FLOW_ROLES = ['import', 'export', 'net', 'pv', 'battery_charge', 'battery_discharge'] as const;
/** A channel's flow. */
export type FlowRole = (typeof FLOW_ROLES)[number];

const EXPORT =
  /export|exported|received|feed[-_ ]?in|returned|to[-_ ]grid|delivered[-_ ]to[-_ ]grid|injection/;
const IMPORT = /import|delivered|consumed|from[-_ ]grid|offtake/;
const PV = /(^|[^a-z])(pv|solar|photovoltaic|generation|production|inverter)([^a-z]|$)/;
const DISCHARGE = /battery.*(discharge|out)|(discharge|out).*battery/;
const CHARGE = /battery.*(charge|in)|(charge|in).*battery/;

/**
 * The flow of one electricity channel, or undefined for a channel that carries none of them (an
 * appliance, a circuit). A plain mains channel is the grid connection (`net`): it reads positive
 * while the site draws from the grid and negative while it feeds in.
 */
export function channelRole(
  c: Pick<Channel, 'name' | 'appliance' | 'isMains' | 'unit'>,
): FlowRole | undefined {
  if (!['W', 'kW', 'Wh', 'kWh'].includes(c.unit)) return undefined;
  const name = `${c.name} ${c.appliance ?? ''}`.toLowerCase();
  if (DISCHARGE.test(name)) return 'battery_discharge';
  if (CHARGE.test(name)) return 'battery_charge';
  if (EXPORT.test(name)) return 'export';
  if (IMPORT.test(name)) return 'import';
  if (PV.test(name)) return 'pv';
  return c.isMains ? 'net' : undefined;
}

/** How a channel measures its flow: the whole of it, one tariff register, or one phase. */
function part(name: string): 0 | 1 | 2 {
  if (/(^|[^a-z0-9])(t|tariff|rate)[-_ ]?\d$/.test(name)) return 1;
  if (/(^|[^a-z0-9])(l|phase)[-_ ]?\d$/.test(name)) return 2;
  return 0;
}

/**
 * The channels that measure each flow of one meter, without double counting: a mains channel first;
 * else one whole-flow channel (preferring the measurement of the meter's mains, then the name); else
 * all its tariff registers (they add up to the whole); else all its phases.
 */
export function chooseSources(channels: readonly Channel[]): Map<FlowRole, Channel[]> {
  const mainsMeasurement = channels.find((c) => c.isMains)?.measurement;
  const byRole = new Map<FlowRole, Channel[]>();
  for (const c of channels) {
    const role = channelRole(c);
    if (role) byRole.set(role, [...(byRole.get(role) ?? []), c]);
  }
  const out = new Map<FlowRole, Channel[]>();
  for (const [role, list] of byRole) {
    const mains = list.filter((c) => c.isMains);
    if (mains.length) {
      out.set(role, mains);
      continue;
    }
    const whole = list
      .filter((c) => part(c.name.toLowerCase()) === 0)
      .sort(
        (a, b) =>
          Number(b.measurement === mainsMeasurement) - Number(a.measurement === mainsMeasurement) ||
          a.name.localeCompare(b.name),
      );
    if (whole.length) out.set(role, [whole[0]!]);
    else {
      const tariffs = list.filter((c) => part(c.name.toLowerCase()) === 1);
      out.set(role, tariffs.length ? tariffs : list.filter((c) => part(c.name.toLowerCase()) === 2));
    }
  }
  // A meter with an import channel has its grid already: a mains beside it is not a second grid.
  if (out.has('import') && out.has('net')) out.delete('net');
  return out;
}

/** The electricity channels of a facility that carry a flow, with their roles, meter by meter. */
export function facilitySources(channels: readonly Channel[]): { channel: Channel; role: FlowRole }[] {
  const byMeter = new Map<string, Channel[]>();
  for (const c of channels) byMeter.set(c.meterId, [...(byMeter.get(c.meterId) ?? []), c]);
  const out: { channel: Channel; role: FlowRole }[] = [];
  for (const list of byMeter.values())
    for (const [role, chosen] of chooseSources(list))
      for (const channel of chosen) out.push({ channel, role });
  return out.sort((a, b) => a.channel.id.localeCompare(b.channel.id));
}
