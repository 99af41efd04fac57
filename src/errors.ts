/**
 * Named errors with context fields. One boundary (the CLI's exit handler and the API's error handler)
 * maps them to exit codes and HTTP statuses with a message a user can act on.
 */

/** Base class: every Loadscope error has a stable `code` and optional context. */
export class LoadscopeError extends Error {
  /** Stable machine-readable code, e.g. `CONFIG_INVALID`. */
  readonly code: string;
  /** HTTP status the API maps this error to. */
  readonly status: number;
  /** CLI exit code. */
  readonly exitCode: number;

  constructor(
    code: string,
    message: string,
    opts: { status?: number; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = opts.status ?? 500;
    this.exitCode = opts.exitCode ?? 1;
  }
}

/** Configuration is missing or invalid; the message says which setting and how to fix it. */
export class ConfigError extends LoadscopeError {
  constructor(
    readonly setting: string,
    message: string,
    opts: { cause?: unknown } = {},
  ) {
    super('CONFIG_INVALID', `${setting}: ${message}`, { status: 500, exitCode: 78, ...opts });
  }
}

/** Input (a file row, a request body, an MQTT payload) does not match what was expected. */
export class InputError extends LoadscopeError {
  constructor(
    message: string,
    readonly where: { file?: string; line?: number; field?: string; source?: string } = {},
    opts: { cause?: unknown } = {},
  ) {
    super('INPUT_INVALID', formatWhere(where) + message, { status: 400, exitCode: 65, ...opts });
  }
}

/** A named object does not exist (thrown by `getXOrThrow`). */
export class NotFoundError extends LoadscopeError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super('NOT_FOUND', `${entity} '${id}' was not found`, { status: 404, exitCode: 66 });
  }
}

/** The caller is not authenticated. */
export class UnauthenticatedError extends LoadscopeError {
  constructor(message = 'authentication required') {
    super('UNAUTHENTICATED', message, { status: 401, exitCode: 77 });
  }
}

/** The caller is authenticated but may not do this. */
export class ForbiddenError extends LoadscopeError {
  constructor(message = 'not allowed') {
    super('FORBIDDEN', message, { status: 403, exitCode: 77 });
  }
}

/** A conflicting state, e.g. a duplicate name or a job already finished. */
export class ConflictError extends LoadscopeError {
  constructor(message: string) {
    super('CONFLICT', message, { status: 409, exitCode: 75 });
  }
}

/** A store (database) operation failed. */
export class StoreError extends LoadscopeError {
  constructor(
    readonly adapter: string,
    readonly operation: string,
    opts: { cause?: unknown } = {},
  ) {
    const reason = opts.cause instanceof Error ? `: ${opts.cause.message}` : '';
    super('STORE_FAILED', `${adapter} store: ${operation} failed${reason}`, {
      status: 503,
      exitCode: 74,
      ...opts,
    });
  }
}

/** An outside system (broker, Slurm, NATS) failed or could not be reached. */
export class ExternalError extends LoadscopeError {
  constructor(
    readonly system: string,
    message: string,
    opts: { cause?: unknown } = {},
  ) {
    super('EXTERNAL_FAILED', `${system}: ${message}`, { status: 502, exitCode: 69, ...opts });
  }
}

function formatWhere(where: { file?: string; line?: number; field?: string; source?: string }): string {
  const parts: string[] = [];
  if (where.source) parts.push(where.source);
  if (where.file) parts.push(where.line === undefined ? where.file : `${where.file}:${where.line}`);
  else if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.field) parts.push(`field '${where.field}'`);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

/** The Parquet lake could not be written or read; `path` names the file or folder concerned. */
export class LakeError extends LoadscopeError {
  constructor(
    readonly operation: string,
    readonly path: string,
    opts: { cause?: unknown } = {},
  ) {
    const reason = opts.cause instanceof Error ? `: ${opts.cause.message}` : '';
    super('LAKE_FAILED', `lake: ${operation} (${path}) failed${reason}`, {
      status: 503,
      exitCode: 74,
      ...opts,
    });
  }
}
