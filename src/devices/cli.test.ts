/**
 * `loadscope devices` beside a running `loadscope start` on the same DuckDB file: the commands run
 * inside the server, so a device added there connects over MQTT at once, and rotating its token from
 * the shell disconnects the open connection and refuses the old token on the next connection; the
 * token file imports once (a second run changes nothing) and reports conflicts by line.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, runCli, startServer, tempInstallation } from '../cli/testing.ts';
import { openMqtt } from '../realtime/testing/connections.ts';

describe('loadscope devices beside a running server', () => {
  let inst: Awaited<ReturnType<typeof tempInstallation>>;
  let server: RunningServer;
  let mqttUrl: string;
  beforeAll(async () => {
    inst = await tempInstallation();
    server = await startServer(inst.env);
    mqttUrl = `mqtt://127.0.0.1:${inst.env['LOADSCOPE_MQTT_PORT']}`;
  }, 120_000);
  afterAll(async () => {
    server?.process.kill('SIGTERM');
    await server?.exited;
    await inst?.remove();
  });
  const run = (...args: string[]) => runCli(['devices', ...args], inst.env, inst.dir);

  it('adds a device whose token works at once, and a rotation from the shell ends it', async () => {
    const added = await run('add', 'roof-gw');
    expect(added.code, added.err).toBe(0);
    expect(added.err).toMatch(/running on the server that holds the store/);
    expect(added.err).toContain("created device 'roof-gw'");
    const token = added.out.trim();
    expect(token).toMatch(/^lsd_\S{43}$/);
    const conn = await openMqtt(mqttUrl, token);
    expect(conn.isOpen()).toBe(true);

    const rotated = await run('rotate', 'roof-gw');
    expect(rotated.code, rotated.err).toBe(0);
    const fresh = rotated.out.trim();
    expect(fresh).toMatch(/^lsd_/);
    expect(fresh).not.toBe(token);
    // The command answered after the change: the open connection closes at once.
    const closedAt = await Promise.race([
      conn.closed,
      new Promise<number>((r) => setTimeout(() => r(-1), 1500)),
    ]);
    expect(closedAt).toBeGreaterThan(0);
    await expect(openMqtt(mqttUrl, token)).rejects.toThrow(/Not authorized|Bad username/i);
    const next = await openMqtt(mqttUrl, fresh);
    expect(next.isOpen()).toBe(true);
    next.close();

    const list = await run('list');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(
      /^name\s+id\s+facility\s+status\s+last seen\s+msgs\/min\s+refused 24h\s+token\n/,
    );
    expect(list.out).toMatch(
      new RegExp(
        `roof-gw\\s+dev_[0-9a-f]{16}\\s+-\\s+silent\\s+never\\s+0\\.0\\s+0\\s+active ${fresh.slice(0, 8)}`,
      ),
    );
    expect(list.out).not.toContain(fresh);

    const revoked = await run('revoke', 'roof-gw');
    expect(revoked.code, revoked.err).toBe(0);
    await expect(openMqtt(mqttUrl, fresh)).rejects.toThrow(/Not authorized|Bad username/i);
    const json = JSON.parse((await run('list', '--format', 'json')).out) as { token: { state: string } }[];
    expect(json[0]?.token.state).toBe('revoked');
  }, 60_000);

  it('refuses unknown devices, facilities and organisations with a clear message', async () => {
    const missing = await run('rotate', 'nope');
    expect(missing.code).toBe(66);
    expect(missing.err).toContain("device 'nope' was not found");
    const facility = await run('assign', 'roof-gw', 'nowhere');
    expect(facility.code).toBe(65);
    expect(facility.err).toContain("field 'facilityId': no facility 'nowhere' in your organisation");
    const name = await run('add', 'bad name');
    expect(name.code).toBe(65);
    expect(name.err).toContain("field 'name'");
    const org = await run('list', '--org', 'nobody');
    expect(org.code).toBe(66);
  }, 60_000);

  it('imports a token file once and reports conflicts by line', async () => {
    const file = join(inst.dir, 'devices.yaml');
    await writeFile(
      file,
      '- id: cellar\n  orgId: default\n  token: cellar-token-0123456789\n- id: roof-gw\n  orgId: default\n  token: another-token-0123456789\n',
    );
    const first = await run('import', 'devices.yaml');
    expect(first.code).toBe(65);
    expect(first.out).toBe('1 created, 0 already registered, 1 conflict(s)\n');
    expect(first.err).toContain(
      `${file}:4: device 'roof-gw': device 'roof-gw' is already registered with another token`,
    );
    const again = await run('import', 'devices.yaml');
    expect(again.out).toBe('0 created, 1 already registered, 1 conflict(s)\n');
    const conn = await openMqtt(mqttUrl, 'cellar-token-0123456789');
    expect(conn.isOpen()).toBe(true);
    conn.close();
  }, 60_000);
});
