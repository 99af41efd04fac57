/**
 * Issue 13, item 11: kills `loadscope start` with SIGKILL while HTTP clients and an MQTT QoS 1 device
 * stream readings into it, restarts it, and checks that no acknowledged reading was lost or doubled.
 * Usage: npx tsx scripts/kill-test.ts [--runs 20] [--column embedded|scale-out|both] [--seed 1]
 *   [--clients 4] [--batch 200] [--kill-after 300-1500]  (HTTP clients, readings per request, ms)
 * Exits 1 when a reading was lost or doubled. Needs PostgreSQL and NATS for the scale-out column.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type KillColumn, runKillTest } from '../src/realtime/testing/kill-run.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    column: { type: 'string', default: 'both' },
    seed: { type: 'string', default: '1' },
    clients: { type: 'string', default: '4' },
    batch: { type: 'string', default: '200' },
    'kill-after': { type: 'string', default: '300-1500' },
  },
});
/** A whole number >= 1 from an option, or an error naming the option. */
function whole(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a whole number >= 1, got '${raw}'`);
  return n;
}
const runs = whole('runs', values.runs);
const clients = whole('clients', values.clients);
const batch = whole('batch', values.batch);
const window = /^(\d+)-(\d+)$/.exec(values['kill-after']);
if (!window || Number(window[1]) > Number(window[2]))
  throw new Error(`--kill-after: expected MIN-MAX in ms such as 300-1500, got '${values['kill-after']}'`);
const killAfterMs: [number, number] = [Number(window[1]), Number(window[2])];
const columns: KillColumn[] =
  values.column === 'both' ? ['embedded', 'scale-out'] : [values.column as KillColumn];
for (const c of columns)
  if (c !== 'embedded' && c !== 'scale-out')
    throw new Error(`--column: expected embedded, scale-out or both, got '${String(c)}'`);

let bad = false;
for (const column of columns) {
  const r = await runKillTest({
    column,
    runs,
    httpClients: clients,
    batch,
    killAfterMs,
    seed: whole('seed', values.seed),
    say: (l) => process.stderr.write(`${l}\n`),
  });
  bad ||= r.lost > 0 || r.doubled > 0;
  process.stdout.write(
    `${column}: ${r.runs} kill -9 runs, ${r.acknowledged} readings acknowledged (HTTP ${r.acknowledgedHttp}, MQTT ${r.acknowledgedMqtt}), ` +
      `${r.lost} lost, ${r.doubled} doubled, ${r.storedUnacknowledged} stored unacknowledged (in flight at a kill), ` +
      `${r.seconds.toFixed(0)} s, load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}\n`,
  );
  if (r.lost) process.stdout.write(`  lost by run: ${r.lostByRun.join(' ')}\n`);
}
process.exitCode = bad ? 1 : 0;
