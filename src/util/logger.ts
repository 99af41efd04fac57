/**
 * The one logger for diagnostics (pino, the logger Fastify uses too): levels, a child logger per
 * component (`log.child({ component: 'mqtt' })`), JSON lines for machines and plain lines for a
 * person at a terminal. User-facing output (tables, results, progress bars) is not logged: commands
 * write it to stdout and stderr themselves.
 *
 * Which format: `LOG_FORMAT=json|plain` when set; otherwise plain lines on a TTY and JSON elsewhere
 * (a file, a pipe, a supervisor), and always JSON with `NODE_ENV=production`. Level: `LOG_LEVEL`
 * (fatal, error, warn, info, debug, trace, silent; default info).
 */
import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';
import { ConfigError } from '../errors.ts';

export type { Logger };

/** The levels `LOG_LEVEL` accepts, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'plain';

/** Where log lines go: anything with `write(string)` (a Writable, a test's array, a socket frame). */
export interface LogSink {
  write(line: string): unknown;
  readonly isTTY?: boolean;
}

export interface LoggerOptions {
  /** Default `info`. */
  level?: LogLevel;
  /** Default `json`. */
  format?: LogFormat;
  /** Default: standard error. */
  sink?: LogSink;
  /** Fields on every line, e.g. `{ component: 'worker' }`. */
  base?: Record<string, unknown>;
}

/** A logger on `sink` (no worker threads: each line is written synchronously, in order). */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const sink = opts.sink ?? process.stderr;
  const format = opts.format ?? 'json';
  const destination: DestinationStream = format === 'plain' ? plainLines(sink) : sink;
  return pino(
    {
      level: opts.level ?? 'info',
      // Pid and host name are on every JSON line (processes share a collector), not on plain lines.
      base: format === 'json' ? { pid: process.pid, hostname: hostname(), ...opts.base } : { ...opts.base },
    },
    destination,
  );
}

/** Reads `LOG_LEVEL` and `LOG_FORMAT`; a bad value throws a {@link ConfigError} naming the variable. */
export function logSettingsFrom(
  env: Readonly<Record<string, string | undefined>>,
  sink: LogSink,
): { level: LogLevel; format: LogFormat } {
  const level = (env['LOG_LEVEL'] ?? 'info').trim().toLowerCase();
  if (!isLevel(level))
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got '${env['LOG_LEVEL']}'`);
  const rawFormat = env['LOG_FORMAT']?.trim().toLowerCase();
  if (rawFormat !== undefined && rawFormat !== '' && rawFormat !== 'json' && rawFormat !== 'plain')
    throw new ConfigError('LOG_FORMAT', `expected json or plain, got '${env['LOG_FORMAT']}'`);
  const format: LogFormat =
    rawFormat === 'json' || rawFormat === 'plain'
      ? rawFormat
      : env['NODE_ENV'] === 'production' || !sink.isTTY
        ? 'json'
        : 'plain';
  return { level, format };
}

/** The process's logger: on standard error, configured by `LOG_LEVEL` and `LOG_FORMAT`. */
export function processLogger(
  env: Readonly<Record<string, string | undefined>> = process.env,
  sink: LogSink = process.stderr,
): Logger {
  return createLogger({ ...logSettingsFrom(env, sink), sink });
}

/** A logger that drops everything (tests and benchmarks that do not read diagnostics). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** One parsed log line, as tests read it. */
export interface LogRecord {
  level: Exclude<LogLevel, 'silent'>;
  msg: string;
  component?: string;
  err?: { message: string; type?: string; stack?: string };
  [field: string]: unknown;
}

/** A logger whose lines tests can read back (level `debug` unless given). */
export function captureLogger(level: LogLevel = 'debug'): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = createLogger({
    level,
    sink: {
      write: (line: string) => void records.push(toRecord(JSON.parse(line) as Record<string, unknown>)),
    },
  });
  return { logger, records };
}

/**
 * The `onError` callback most modules take for failures they survive: logs the error at `error`,
 * its message as the line's message (after `context`, when given) and its stack in the `err` field.
 */
export function errorLogger(log: Logger, context?: string): (err: unknown) => void {
  return (err) => {
    const message = err instanceof Error ? err.message : String(err);
    log.error({ err }, context ? `${context}: ${message}` : message);
  };
}

const LEVEL_NAMES: Record<number, Exclude<LogLevel, 'silent'>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

function isLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

function toRecord(o: Record<string, unknown>): LogRecord {
  const { level, time: _time, pid: _pid, hostname: _host, ...rest } = o;
  return {
    ...rest,
    level: LEVEL_NAMES[Number(level)] ?? 'info',
    msg: String(rest['msg'] ?? ''),
  };
}

/**
 * Plain lines for a person: `14:02:07 WARN  mqtt: client refused (reason=bad token)`. Parses pino's
 * JSON line back: diagnostics are a few lines a second, never the hot path.
 */
function plainLines(sink: LogSink): DestinationStream {
  return {
    write(line: string) {
      const o = JSON.parse(line) as Record<string, unknown>;
      const { level, msg, component, err, ...fields } = toRecord(o);
      const time = new Date(Number(o['time'])).toTimeString().slice(0, 8);
      const extra = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const stack = err?.stack && (level === 'debug' || level === 'trace') ? `\n${err.stack}` : '';
      sink.write(
        `${time} ${level.toUpperCase().padEnd(5)} ${component ? `${component}: ` : ''}${msg}${extra ? ` (${extra})` : ''}${stack}\n`,
      );
    },
  };
}
