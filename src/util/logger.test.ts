import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { captureLogger, createLogger, errorLogger, logSettingsFrom, processLogger } from './logger.ts';

const lines = (): { sink: { write(l: string): void; isTTY?: boolean }; out: string[] } => {
  const out: string[] = [];
  return { sink: { write: (l: string) => void out.push(l) }, out };
};

describe('logger', () => {
  it('writes one JSON object a line with level, message, component and pid', () => {
    const { sink, out } = lines();
    createLogger({ sink }).child({ component: 'mqtt' }).warn({ clientId: 'gw-1' }, 'client refused');
    expect(out).toHaveLength(1);
    const o = JSON.parse(out[0] ?? '') as Record<string, unknown>;
    expect(o).toMatchObject({ level: 40, msg: 'client refused', component: 'mqtt', clientId: 'gw-1' });
    expect(o['pid']).toBe(process.pid);
  });

  it('writes plain lines for a terminal: time, level, component, message, fields', () => {
    const { sink, out } = lines();
    const log = createLogger({ sink, format: 'plain' }).child({ component: 'batch' });
    log.info({ days: 3 }, 'rolled up');
    log.debug('not shown at info');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d INFO {2}batch: rolled up \(days=3\)\n$/);
  });

  it('drops lines below the level', () => {
    const { sink, out } = lines();
    const log = createLogger({ sink, level: 'warn' });
    log.info('no');
    log.error('yes');
    expect(out).toHaveLength(1);
  });

  it('lets tests read records back, errors with their message', () => {
    const { logger, records } = captureLogger();
    errorLogger(logger.child({ component: 'worker' }), 'store write')(new Error('disk full'));
    expect(records).toEqual([
      expect.objectContaining({
        level: 'error',
        component: 'worker',
        msg: 'store write: disk full',
        err: expect.objectContaining({ message: 'disk full', type: 'Error' }) as unknown,
      }),
    ]);
  });

  it('reads LOG_LEVEL and LOG_FORMAT, plain on a TTY and JSON elsewhere or in production', () => {
    expect(logSettingsFrom({}, { write: () => 0, isTTY: true })).toEqual({ level: 'info', format: 'plain' });
    expect(logSettingsFrom({}, { write: () => 0 })).toEqual({ level: 'info', format: 'json' });
    expect(logSettingsFrom({ NODE_ENV: 'production' }, { write: () => 0, isTTY: true }).format).toBe('json');
    expect(logSettingsFrom({ LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'plain' }, { write: () => 0 })).toEqual({
      level: 'debug',
      format: 'plain',
    });
  });

  it('names the variable and the accepted values on a bad setting', () => {
    expect(() => processLogger({ LOG_LEVEL: 'verbose' }, { write: () => 0 })).toThrow(ConfigError);
    expect(() => processLogger({ LOG_LEVEL: 'verbose' }, { write: () => 0 })).toThrow(
      "LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got 'verbose'",
    );
    expect(() => processLogger({ LOG_FORMAT: 'pretty' }, { write: () => 0 })).toThrow(
      "LOG_FORMAT: expected json or plain, got 'pretty'",
    );
  });
});
