import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';

describe('loadConfig', () => {
  it('defaults to the embedded column', () => {
    const c = loadConfig({});
    expect(c.store.kind).toBe('duckdb');
    expect(c.log.kind).toBe('memory');
    expect(c.mqtt.broker).toBe('embedded');
    expect(c.jobs.executor).toBe('local');
    expect(Object.isFrozen(c.store)).toBe(true);
  });

  it('names the variable and the fix on a bad value', () => {
    expect(() => loadConfig({ LOADSCOPE_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOADSCOPE_PORT: 'eighty' })).toThrow(/LOADSCOPE_PORT: expected a whole number/);
    expect(() => loadConfig({ LOADSCOPE_STORE: 'mysql' })).toThrow(/store\.kind/);
  });
});
