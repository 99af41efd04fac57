/** The error boundary never sends database text or a stack in a 5xx, and keeps 4xx messages as they are. */
import { describe, expect, it } from 'vitest';
import { ConfigError, ExternalError, InputError, StoreError } from '../errors.ts';
import { toErrorResponse } from './error-handler.ts';

const SQL =
  'Binder Error: Referenced column "x" not found\nLINE 1: SELECT * FROM readings WHERE ts >= -1e308';

describe('toErrorResponse', () => {
  it('keeps SQL from a failed store operation out of the body, naming the request', () => {
    const { status, body } = toErrorResponse(
      new StoreError('duckdb', 'SELECT * FROM', { cause: new Error(SQL) }),
      'req-7',
    );
    expect(status).toBe(503);
    expect(body.error).toBe('STORE_FAILED');
    expect(body.message).toContain('req-7');
    expect(body.message).not.toMatch(/select|readings|binder|duckdb/i);
  });

  it('answers 500 without message or stack for an unexpected error', () => {
    const err = new TypeError(`cannot read 'x' of undefined: ${SQL}`);
    const { status, body } = toErrorResponse(err, 'req-8');
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toMatch(/select|undefined|at \w+ \(/i);
    expect(body).toEqual({
      error: 'INTERNAL',
      message: 'internal error; see the server log (request req-8)',
    });
  });

  it('keeps the first line of configuration and outside-system errors, which say what to fix', () => {
    expect(toErrorResponse(new ExternalError('slurm', 'sbatch not found\n  at spawn (x.js:1)')).body).toEqual(
      {
        error: 'EXTERNAL_FAILED',
        message: 'slurm: sbatch not found',
      },
    );
    expect(toErrorResponse(new ConfigError('LOADSCOPE_PORT', 'expected a port')).status).toBe(500);
  });

  it('keeps 4xx messages: they name the field', () => {
    expect(toErrorResponse(new InputError('expected 1 to 1000', { field: 'limit' })).body.message).toBe(
      "field 'limit': expected 1 to 1000",
    );
  });
});
