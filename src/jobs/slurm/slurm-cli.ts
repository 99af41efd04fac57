import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ExternalError } from '../../errors.ts';

const run = promisify(execFile);

/** The slice of Slurm's command-line tools the executor uses. */
export interface SlurmCli {
  /** Submits a batch script; returns the job id. */
  sbatch(scriptPath: string): Promise<string>;
  /** Array tasks of a job still known to the queue, by task index, with their state (PENDING, RUNNING, ...). */
  squeue(jobId: string): Promise<Map<number, string>>;
  /** Final state and exit code of one array task, when Slurm still remembers it. */
  taskState(jobId: string, index: number): Promise<{ state: string; exitCode: string } | undefined>;
  /** Cancels a job (all its array tasks). */
  scancel(jobId: string): Promise<void>;
}

/** {@link SlurmCli} over the real `sbatch`, `squeue`, `scontrol` and `scancel` on the PATH. */
export function createSlurmCli(): SlurmCli {
  const call = async (cmd: string, args: string[]): Promise<string> => {
    try {
      return (await run(cmd, args, { timeout: 30_000 })).stdout;
    } catch (cause) {
      const stderr = (cause as { stderr?: string }).stderr?.trim();
      throw new ExternalError('slurm', `${cmd} ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`, {
        cause,
      });
    }
  };
  return {
    async sbatch(scriptPath) {
      const out = (await call('sbatch', ['--parsable', scriptPath])).trim();
      const id = out.split(';')[0] ?? '';
      if (!/^\d+$/.test(id)) throw new ExternalError('slurm', `sbatch printed '${out}', expected a job id`);
      return id;
    },
    async squeue(jobId) {
      let out: string;
      try {
        out = await call('squeue', ['-h', '-r', '-j', jobId, '-o', '%i|%T']);
      } catch (err) {
        // squeue answers "Invalid job id" once the whole job has left the queue.
        if (err instanceof ExternalError && /Invalid job id/i.test(err.message)) return new Map();
        throw err;
      }
      const tasks = new Map<number, string>();
      for (const line of out.split('\n')) {
        const m = /^(\d+)_(\d+)\|(\S+)/.exec(line.trim());
        if (m && m[1] === jobId) tasks.set(Number(m[2]), m[3] ?? 'UNKNOWN');
      }
      return tasks;
    },
    async taskState(jobId, index) {
      try {
        const out = await call('scontrol', ['show', 'job', '-o', `${jobId}_${index}`]);
        const state = /JobState=(\S+)/.exec(out)?.[1];
        const exitCode = /ExitCode=(\S+)/.exec(out)?.[1];
        return state ? { state, exitCode: exitCode ?? '' } : undefined;
      } catch {
        return undefined;
      }
    },
    async scancel(jobId) {
      await call('scancel', [jobId]);
    },
  };
}
