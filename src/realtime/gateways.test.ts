/**
 * Meter gateways in the real-time layer: `loadscope start --gateway` follows a DSMR P1 gateway and an
 * SML bridge (TCP servers started by the test, sending recorded telegrams and files), registers their
 * channels and carries their readings through the reading log into the store.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { crc16 } from '../ingest/protocols/dsmr.ts';
import { parseGateway } from './gateways.ts';
import { silentLogger } from '../util/logger.ts';

const FX = resolve(import.meta.dirname, '../../test/fixtures');

/** The DSMR 5 telegram re-stamped to `ts` (winter time flag, UTC+1) with its CRC made anew. */
function telegramAt(ts: number): string {
  const v5 = readFileSync(join(FX, 'dsmr/v5.txt'), 'latin1');
  const stamp = new Date(ts + 3_600_000).toISOString().replace(/[-:T]/g, '').slice(2, 14);
  const body = v5.replace(/0-0:1\.0\.0\(\d{12}W\)/, `0-0:1.0.0(${stamp}W)`);
  const bang = body.indexOf('!');
  const crc = crc16(Buffer.from(body.slice(0, bang + 1), 'latin1'));
  return `${body.slice(0, bang + 1)}${crc.toString(16).toUpperCase().padStart(4, '0')}\r\n`;
}

/** A gateway that sends `next()` every 300 ms to each connection until closed. */
async function gateway(next: () => Buffer): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    const timer = setInterval(() => socket.write(next()), 300);
    socket.on('close', () => clearInterval(timer));
    socket.on('error', () => clearInterval(timer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

describe('meter gateway addresses', () => {
  it('take a format, a facility and an organisation, and name what is wrong', () => {
    expect(parseGateway('tcp://10.0.0.5:2000')).toEqual({
      url: 'tcp://10.0.0.5:2000',
      format: 'dsmr',
      facility: '10-0-0-5-2000', // as `loadscope import tcp://10.0.0.5:2000` names it
      orgId: undefined,
    });
    expect(parseGateway('tcp://meter.local:8888?format=sml&facility=Flat 12&org=acme')).toMatchObject({
      url: 'tcp://meter.local:8888',
      format: 'sml',
      facility: 'flat-12',
      orgId: 'acme',
    });
    expect(() => parseGateway('http://x:1')).toThrow(
      /--gateway: .*expected a gateway address tcp:\/\/host:port/,
    );
    expect(() => parseGateway('tcp://x:1?format=mbus')).toThrow(/--gateway: format must be dsmr or sml/);
    expect(() => parseGateway('tcp://x:1?baud=9600')).toThrow(/unknown parameter 'baud'/);
  });
});

describe('loadscope start --gateway', () => {
  let dir: string;
  let app: App;
  const servers: Server[] = [];
  const sml = Buffer.from(readFileSync(join(FX, 'sml/dzg-dvs7420-export.hex'), 'latin1').trim(), 'hex');
  let smlAt = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadscope-gw-'));
    const p1 = await gateway(() => Buffer.from(telegramAt(Math.floor(Date.now() / 1000) * 1000), 'latin1'));
    // The SML bridge sends the recording's three complete files in turn, cut at any byte.
    const ir = await gateway(() => {
      const piece = sml.subarray(smlAt, smlAt + 97);
      smlAt = (smlAt + 97) % 756;
      return piece;
    });
    servers.push(p1.server, ir.server);
    const config = loadConfig(
      {},
      {
        LOADSCOPE_DATA_DIR_STATE: dir,
        LOADSCOPE_PORT: '0',
        LOADSCOPE_MQTT_PORT: '0',
        LOADSCOPE_SIM: '0',
        LOADSCOPE_BATCH_EVERY: '0',
      },
    );
    app = createApp(config, {
      logger: silentLogger(),
      pipeline: { flushMs: 200 },
      gateways: [
        parseGateway(`tcp://127.0.0.1:${p1.port}?facility=home-nl`),
        parseGateway(`tcp://127.0.0.1:${ir.port}?format=sml&facility=home-de`),
      ],
    });
    await app.start();
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    for (const s of servers) s.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Waits until the store holds readings of the channel, then returns them. */
  async function stored(channelId: string, atLeast = 2): Promise<{ ts: number; value: number }[]> {
    for (let i = 0; i < 100; i++) {
      const rows = await app.store.readings.read(channelId, 0, Date.now() + 3_600_000);
      if (rows.length >= atLeast) return rows;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no readings of ${channelId} after 20 s`);
  }

  it('carries a P1 gateway and an SML bridge into the store through the reading log', async () => {
    const power = await stored('home-nl:p1:power_import');
    // 1-0:1.7.0(00.244*kW) of the recorded telegram, dated by the telegram's own stamp.
    expect(power[0]!.value).toBe(244);
    expect(Math.abs(power.at(-1)!.ts - Date.now())).toBeLessThan(60_000);
    expect(await app.store.catalog.getChannel('home-nl:p1:power_import')).toMatchObject({
      isMains: true,
      unit: 'W',
    });
    expect(await app.store.catalog.getFacility('home-nl')).toMatchObject({
      orgId: 'default',
      timeZone: 'Europe/Amsterdam',
    });
    const exported = await stored('home-de:sml:power_export', 3);
    expect(new Set(exported.map((r) => r.value))).toEqual(new Set([105.5, 106.78, 104.38]));
    expect((await app.store.catalog.getFacility('home-de'))?.timeZone).toBe('Europe/Berlin');
  }, 60_000);
});
