import { LoadscopeError } from '../errors.ts';

/**
 * The CLI's one error boundary: writes what went wrong and returns the exit code. A Loadscope error
 * is something the user can act on (its message says what and where); anything else is a defect,
 * reported with its stack and exit code 70 (EX_SOFTWARE).
 */
export function reportError(err: unknown, write: (text: string) => void): number {
  if (err instanceof LoadscopeError) {
    write(`loadscope: ${err.message}\n`);
    return err.exitCode;
  }
  write(`loadscope: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 70;
}
