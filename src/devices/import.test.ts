/**
 * The token file as an import: entries become registered devices (the token hashed, meters kept),
 * a second run changes nothing, and entries that disagree with the registry or the file itself are
 * conflicts reported with their line, while the other entries still land.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainFacility } from '../store/contract/fixtures.ts';
import { createDuckdbStore } from '../store/duckdb/index.ts';
import type { Store } from '../store/store.ts';
import { createRegistryDeviceAuth } from './auth.ts';
import { formatConflicts, importDeviceFile } from './import.ts';
import { createDeviceService } from './service.ts';
import { hashDeviceToken } from './tokens.ts';

const TOKEN_A = 'file-token-aaaaaaaaaaaaaaaa';
const TOKEN_B = 'file-token-bbbbbbbbbbbbbbbb';
const FILE = `# devices of the plant
- id: gw-a
  orgId: o1
  token: ${TOKEN_A}
- id: gw-b
  orgId: o1
  meterIds: [m1]
  sha256: ${hashDeviceToken(TOKEN_B)}
`;

describe('device file import', () => {
  let store: Store;
  const now = (): number => 1_700_000_000_000;
  beforeAll(async () => {
    store = await createDuckdbStore({ path: ':memory:', threads: 1 });
    await store.migrate();
    await store.catalog.upsertOrganisations([{ id: 'o1', name: 'o1', createdAt: 0 }]);
    await store.catalog.upsertFacilities([plainFacility('f1', 'o1')]);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('registers the entries once; a second run changes nothing', async () => {
    const first = await importDeviceFile({ store, now }, FILE, 'devices.yaml');
    expect(first).toEqual({ file: 'devices.yaml', created: ['gw-a', 'gw-b'], unchanged: [], conflicts: [] });
    const again = await importDeviceFile({ store, now }, FILE, 'devices.yaml');
    expect(again).toEqual({ file: 'devices.yaml', created: [], unchanged: ['gw-a', 'gw-b'], conflicts: [] });
    expect(await store.devices.list({ orgId: 'o1' })).toMatchObject([
      { name: 'gw-a', meterIds: null, source: 'import', tokenHash: hashDeviceToken(TOKEN_A) },
      { name: 'gw-b', meterIds: ['m1'], source: 'import', tokenHash: hashDeviceToken(TOKEN_B) },
    ]);
    const auth = createRegistryDeviceAuth({ store, now });
    expect(await auth.verify(TOKEN_B)).toMatchObject({ id: 'gw-b', orgId: 'o1', meterIds: ['m1'] });
  });

  it('reports conflicts by line and imports the rest', async () => {
    const text = `- id: gw-a
  orgId: o1
  token: another-token-cccccccccccc
- id: gw-c
  orgId: o1
  token: ${TOKEN_B}
- id: gw-d
  orgId: o1
  token: short
- id: gw-e
  orgId: o1
  facilityId: f1
  token: token-of-gw-e-eeeeeeeeeee
- id: gw-e
  orgId: o1
  token: token-of-gw-e-again-eeeee
- id: gw-f
  orgId: o1
  facilityId: elsewhere
  token: token-of-gw-f-fffffffffff
- {id: "bad name", orgId: o1, token: token-of-bad-name-xxxxxx}
`;
    const r = await importDeviceFile({ store, now }, text, 'more.yaml');
    expect(r.created).toEqual(['gw-e']);
    expect(formatConflicts(r)).toEqual([
      "more.yaml:1: device 'gw-a': device 'gw-a' is already registered with another token; rotate or revoke it in the registry instead",
      "more.yaml:4: device 'gw-c': this token is already used by device 'gw-b' of organisation 'o1'",
      "more.yaml:7: device 'gw-d': field 'token': a token needs at least 16 characters",
      "more.yaml:14: device 'gw-e': device 'gw-e' of organisation 'o1' is also on line 10",
      "more.yaml:17: device 'gw-f': no facility 'elsewhere' in organisation 'o1'",
      "more.yaml:21: device 'bad name': field 'id': expected a device name: a letter or digit, then letters, digits, . _ - :",
    ]);
    expect((await createDeviceService({ store, now }).get('o1', 'gw-e')).facilityId).toBe('f1');
  });

  it('names the line of malformed YAML and refuses a file that is not a list', async () => {
    await expect(importDeviceFile({ store, now }, '- id: x\n  orgId: [\n', 'broken.yaml')).rejects.toThrow(
      /^broken\.yaml:\d+: malformed YAML/,
    );
    await expect(importDeviceFile({ store, now }, 'id: x\n', 'map.yaml')).rejects.toThrow(
      'map.yaml:1: expected a list of devices',
    );
    expect(await importDeviceFile({ store, now }, '', 'empty.yaml')).toMatchObject({ created: [] });
  });
});
