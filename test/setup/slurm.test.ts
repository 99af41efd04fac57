/**
 * scripts/setup/20-slurm.sh: the generated configuration turns accounting on and uses 127.0.0.1 for
 * every address; on a machine where the cluster runs, `sacct` reports a finished job and a second run
 * of the script leaves the running daemons alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../scripts/setup/20-slurm.sh', import.meta.url).pathname;

/** `key=value` settings of a Slurm configuration file (the last one wins); NodeName lines split too. */
function settings(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    for (const word of line.trim().split(/\s+/)) {
      const eq = word.indexOf('=');
      if (eq > 0) out.set(word.slice(0, eq), word.slice(eq + 1));
    }
  }
  return out;
}

describe('20-slurm.sh configuration', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('turns accounting on through slurmdbd and MariaDB, with 127.0.0.1 for every address', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ls-web-slurm-'));
    execFileSync('bash', [SCRIPT, '--write-config', dir], {
      env: { ...process.env, LOADSCOPE_SLURMDBD_PASS: 'test-pass' },
    });
    const slurm = settings(await readFile(join(dir, 'slurm.conf'), 'utf8'));
    const dbd = settings(await readFile(join(dir, 'slurmdbd.conf'), 'utf8'));
    expect(slurm.get('AccountingStorageType')).toBe('accounting_storage/slurmdbd');
    expect(slurm.get('JobAcctGatherType')).not.toBe('jobacct_gather/none');
    expect(slurm.get('AccountingStorageHost')).toBe('127.0.0.1');
    expect(slurm.get('AccountingStoragePort')).toBe(dbd.get('DbdPort'));
    // The host name is only a label: the controller's and the node's addresses are given.
    const host = hostname().split('.')[0]!;
    expect(slurm.get('SlurmctldHost')).toBe(`${host}(127.0.0.1)`);
    expect(slurm.get('NodeAddr')).toBe('127.0.0.1');
    expect(dbd.get('DbdAddr')).toBe('127.0.0.1');
    expect(dbd.get('StorageType')).toBe('accounting_storage/mysql');
    expect(dbd.get('StorageHost')).toBe('127.0.0.1');
    expect(dbd.get('StoragePort')).toBe('3306');
    expect(dbd.get('StoragePass')).toBe('test-pass');
  });
});

const sacctUp = (() => {
  try {
    execFileSync('sacct', ['-n', '-X', '-S', 'now'], { stdio: 'pipe' });
    return /idle|mixed|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();
if (!sacctUp) console.warn('Slurm with accounting is not running (bash scripts/setup/20-slurm.sh): skipped');

describe.skipIf(!sacctUp)('20-slurm.sh on the running cluster', () => {
  const pidOf = async (name: string) => (await readFile(`/run/${name}.pid`, 'utf8')).trim();

  it('leaves a configured cluster alone on a second run', async () => {
    const before = await Promise.all(['slurmdbd', 'slurmctld', 'slurmd'].map(pidOf));
    const out = execFileSync('bash', [SCRIPT], { encoding: 'utf8' });
    expect(out).toContain('slurm: running, accounting on');
    expect(await Promise.all(['slurmdbd', 'slurmctld', 'slurmd'].map(pidOf))).toEqual(before);
  });

  it('records a finished job that sacct reports', async () => {
    const id = execFileSync('sbatch', ['--parsable', '-p', 'debug', '-o', '/dev/null', '--wrap', 'exit 3'], {
      encoding: 'utf8',
    }).trim();
    let line = '';
    for (let i = 0; i < 240; i++) {
      line = execFileSync('sacct', ['-j', id, '-X', '-n', '-P', '-o', 'JobID,State,ExitCode'], {
        encoding: 'utf8',
      }).trim();
      if (/FAILED|COMPLETED/.test(line)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(line).toBe(`${id}|FAILED|3:0`);
  });
});
