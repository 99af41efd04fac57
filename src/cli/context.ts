import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';

/**
 * What every CLI command receives. A command runs either in its own process (`loadscope batch`) or,
 * when a running server holds the DuckDB file, inside that server for the user's shell (see
 * src/cli/admin-socket.ts); commands reach the process's surroundings only through this context, so
 * they behave the same in both places.
 */
export interface CliContext {
  /** Parses configuration once (environment plus the global options). */
  config(): Config;
  /** Opens the configured store once; closed by the CLI when the command ends. */
  store(): Promise<Store>;
  /** Where results go (stdout); progress and diagnostics go to stderr. */
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /**
   * Diagnostics of long-running commands (`start`, `worker`): log lines on stderr (`LOG_LEVEL`,
   * `LOG_FORMAT`, see src/util/logger.ts). Results, tables and progress stay on `out` and `err`.
   */
  readonly log: Logger;
  /**
   * Aborted when the user interrupts the command (Ctrl+C, SIGTERM, or the shell that forwarded it
   * going away). Long commands stop cleanly on it; a command that never reads it is simply ended.
   */
  readonly signal: AbortSignal;
  /** The user's environment variables that commands read besides the configuration. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A file argument as an absolute path, relative to the user's working folder. */
  resolvePath(path: string): string;
  /** Sets the exit status the command ends with (when it ends without an error). */
  setExitCode(code: number): void;
}
