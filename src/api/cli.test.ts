/** `loadscope user ...` and `loadscope token ...` against a real DuckDB store. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../cli/context.ts';
import { contextDefaults } from '../cli/testing.ts';
import { loadConfig } from '../config.ts';
import { createDuckdbStore } from '../store/duckdb/index.ts';
import type { Store } from '../store/store.ts';
import { createAuthenticator } from './authenticate.ts';
import { registerApiCommands } from './cli.ts';
import { verifyPassword } from './secrets.ts';

describe('api commands', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ls-api-cli-'));
    store = await createDuckdbStore({ path: join(dir, 'cli.duckdb'), threads: 1 });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs one command line; returns what it printed. */
  const run = async (...args: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    const ctx: CliContext = {
      out,
      err,
      config: () => loadConfig({}, { LOADSCOPE_DUCKDB: ':memory:' }),
      store: async () => store,
      ...contextDefaults(),
    };
    const program = new Command('loadscope').exitOverride();
    registerApiCommands(program, ctx);
    await program.parseAsync(['node', 'loadscope', ...args]);
    return { stdout, stderr };
  };

  it('adds a user with a generated password shown once, creating the organisation', async () => {
    const { stdout, stderr } = await run(
      'user',
      'add',
      'Alice@Example.org',
      '--org',
      'acme',
      '--org-name',
      'Acme',
      '--role',
      'analyst',
    );
    expect(stderr).toContain("created organisation 'acme'");
    const password = /password \(shown once\): (\S+)/.exec(stdout)?.[1];
    expect(password).toBeDefined();
    const u = await store.accounts.getUserByEmail('alice@example.org');
    expect(u).toMatchObject({ orgId: 'acme', role: 'analyst' });
    expect(await verifyPassword(u!.passwordHash, password!)).toBe(true);
    expect(await store.catalog.getOrganisation('acme')).toMatchObject({ name: 'Acme' });
    expect((await run('user', 'list', '--org', 'acme')).stdout).toContain('alice@example.org\tanalyst');
  });

  it('refuses a bad role and a duplicate login with clear errors', async () => {
    await expect(run('user', 'add', 'bob', '--org', 'acme', '--role', 'boss')).rejects.toThrow(
      "field '--role': expected one of admin, analyst, viewer, got 'boss'",
    );
    await expect(
      run('user', 'add', 'alice@example.org', '--org', 'acme', '--password', 'long enough pw'),
    ).rejects.toThrow('already exists');
  });

  it('creates a token that authenticates, lists and revokes it', async () => {
    const { stdout } = await run(
      'token',
      'create',
      '--org',
      'acme',
      '--name',
      'gateway 12',
      '--role',
      'viewer',
      '--expires-days',
      '30',
    );
    const token = stdout.trim();
    const auth = createAuthenticator({ store, cacheTtlMs: 0 });
    expect(await auth.verify(token)).toEqual({
      orgId: 'acme',
      tokenId: expect.stringMatching(/^tok_/) as unknown,
      scopes: ['read'],
    });
    const id = /^ls_(tok_[^.]+)\./.exec(token)![1]!;
    expect((await run('token', 'list', '--org', 'acme')).stdout).toContain(
      `${id}\tgateway 12\tviewer\texpires 20`,
    );
    await run('token', 'revoke', id);
    expect(await auth.verify(token)).toBeUndefined();
    await expect(run('token', 'create', '--org', 'nope', '--name', 'x')).rejects.toThrow(
      "organisation 'nope' was not found",
    );
  });
});
