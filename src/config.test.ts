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

  it('sizes the DuckDB read pool from LOADSCOPE_DUCKDB_READERS, else leaves it to the store', () => {
    expect(loadConfig({}).store.duckdbReadConnections).toBeNull();
    expect(loadConfig({ LOADSCOPE_DUCKDB_READERS: '5' }).store.duckdbReadConnections).toBe(5);
    expect(() => loadConfig({ LOADSCOPE_DUCKDB_READERS: '0' })).toThrow(/store\.duckdbReadConnections/);
    expect(() => loadConfig({ LOADSCOPE_DUCKDB_READERS: 'two' })).toThrow(/LOADSCOPE_DUCKDB_READERS/);
  });

  it('lets `start` leave the JetStream partitions to the workers, and refuses a flag that is not 1 or 0', () => {
    expect(loadConfig({}).log.startConsumes).toBe(true);
    expect(loadConfig({ LOADSCOPE_START_CONSUMES: '0' }).log.startConsumes).toBe(false);
    expect(() => loadConfig({ LOADSCOPE_START_CONSUMES: 'no' })).toThrow(
      /LOADSCOPE_START_CONSUMES: expected 1 or 0/,
    );
  });

  it('reads the per-device ingest rate and burst, and refuses a rate of zero', () => {
    expect(loadConfig({}).ingest).toEqual({ ratePerSecond: 500_000, burst: 1_000_000 });
    const c = loadConfig({ LOADSCOPE_INGEST_RATE: '2000000', LOADSCOPE_INGEST_BURST: '4000000' });
    expect(c.ingest).toEqual({ ratePerSecond: 2_000_000, burst: 4_000_000 });
    expect(() => loadConfig({ LOADSCOPE_INGEST_RATE: '0' })).toThrow(
      /LOADSCOPE_INGEST_RATE: expected a whole number of at least 1, got 0/,
    );
    expect(() => loadConfig({ LOADSCOPE_INGEST_BURST: 'lots' })).toThrow(/LOADSCOPE_INGEST_BURST/);
  });
});

describe('alert settings', () => {
  it('reads the webhook and the devices file, and rejects a webhook that is not a URL', () => {
    const c = loadConfig({
      LOADSCOPE_ALERT_WEBHOOK: 'http://127.0.0.1:9999/hook',
      LOADSCOPE_DEVICES_FILE: '/etc/loadscope/devices.yaml',
    });
    expect(c.alerts).toEqual({
      webhook: 'http://127.0.0.1:9999/hook',
      devicesFile: '/etc/loadscope/devices.yaml',
    });
    expect(loadConfig({}).alerts).toEqual({ webhook: null, devicesFile: null });
    expect(() => loadConfig({ LOADSCOPE_ALERT_WEBHOOK: 'not a url' })).toThrow(/alerts\.webhook/);
  });
});
