import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';

/** What every CLI command receives: lazily loaded configuration and store, and an output stream. */
export interface CliContext {
  /** Parses configuration once (environment plus the global options). */
  config(): Config;
  /** Opens the configured store once; closed by the CLI when the command ends. */
  store(): Promise<Store>;
  /** Where results go (stdout); progress and diagnostics go to stderr. */
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}
