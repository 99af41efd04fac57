// When npm starts the command (`npx loadscope`, `npm run loadscope`, `npm start`), the process tree is
// npm -> sh -> node. npm forwards Ctrl+C and SIGTERM, but if npm itself is killed (kill -9), the shell
// and this process are left running, and with them the DuckDB lock. So under npm this process watches
// the npm process and ends itself (SIGTERM: a server stops cleanly) when npm is gone. Linux only
// (/proc); elsewhere, and when not started by npm, it does nothing.
import { readFileSync } from 'node:fs';

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh']);
const POLL_MS = 1000;

/** Parent pid and command name of a process, from /proc/<pid>/stat; undefined when unreadable. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const ppid = Number(text.slice(close + 2).split(' ')[1]);
    return { comm, ppid };
  } catch {
    return undefined;
  }
}

/** The nearest ancestor that is not a shell (npm), or undefined. */
function npmAncestor() {
  let pid = process.ppid;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    const s = stat(pid);
    if (!s) return undefined;
    if (!SHELLS.has(s.comm)) return pid;
    pid = s.ppid;
  }
  return undefined;
}

/** Starts watching when npm started this process. */
export function exitWithNpm(env = process.env) {
  if (!env.npm_command && !env.npm_lifecycle_event) return;
  const npm = npmAncestor();
  if (npm === undefined) return;
  const timer = setInterval(() => {
    try {
      process.kill(npm, 0);
    } catch {
      clearInterval(timer);
      process.kill(process.pid, 'SIGTERM');
    }
  }, POLL_MS);
  timer.unref();
}
