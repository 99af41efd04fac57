/**
 * The device token file followed while it changes, on a real file: edits apply without a restart, a
 * removed or changed entry is reported by key, a replaced file (editor save, `mv`) is followed too,
 * and a broken edit keeps the last good entries with an error naming the file and the field.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WatchedDeviceFile, watchDeviceTokenFile } from './device-file.ts';

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (const deadline = Date.now() + 3000; !check(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
};

const A = 'device-a-secret-token-0001';
const B = 'device-b-secret-token-0001';
const entry = (id: string, token: string, meters?: string[]): string =>
  `- id: ${id}\n  orgId: o1\n  token: ${token}\n${meters ? `  meterIds: [${meters.join(', ')}]\n` : ''}`;

describe('device token file followed while the server runs', () => {
  let dir: string;
  let path: string;
  let file: WatchedDeviceFile;
  const removed: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadscope-devices-'));
    path = join(dir, 'devices.yaml');
    await writeFile(path, entry('a', A) + entry('b', B, ['m1']));
    file = await watchDeviceTokenFile(path, {
      onRemoved: (keys) => removed.push(...keys),
      onError: (err) => errors.push((err as Error).message),
      debounceMs: 20,
    });
  });
  afterAll(async () => {
    file?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports an entry removed from the file, and refuses its token from then on', async () => {
    const a = (await file.verify(A))!;
    expect(a).toMatchObject({ id: 'a', orgId: 'o1' });
    expect(file.has(a.deviceKey!)).toBe(true);
    await writeFile(path, entry('b', B, ['m1']));
    await until(() => removed.length > 0, 'the removal');
    expect(removed).toEqual([a.deviceKey]);
    expect(await file.verify(A)).toBeUndefined();
    expect(file.has(a.deviceKey!)).toBe(false);
  });

  it('treats a changed entry (other meters) as removed, and follows a file replaced by rename', async () => {
    removed.length = 0;
    const before = (await file.verify(B))!;
    await writeFile(join(dir, 'next.yaml'), entry('b', B, ['m2']) + entry('a', A));
    await rename(join(dir, 'next.yaml'), path);
    await until(() => removed.length > 0, 'the change');
    expect(removed).toEqual([before.deviceKey]);
    expect(await file.verify(B)).toMatchObject({ meterIds: ['m2'] });
    expect((await file.verify(A))?.id).toBe('a');
  });

  it('keeps the last good entries when an edit does not parse, and says where it is wrong', async () => {
    removed.length = 0;
    await writeFile(path, `- id: a\n  orgId: o1\n  token: short\n`);
    await until(() => errors.length > 0, 'the error');
    expect(errors[0]).toMatch(/devices\.yaml/);
    expect(errors[0]).toMatch(/0\.token/);
    expect((await file.verify(A))?.id).toBe('a');
    expect(removed).toEqual([]);
  });
});
