/** Finding the command a command line names past the global options that take a value. */
import { describe, expect, it } from 'vitest';
import { commandName, featureOf } from './commands.ts';

describe('commandName', () => {
  it('skips the values of global options before the command', () => {
    expect(commandName(['--db', 'x.duckdb', 'batch', '--full'])).toBe('batch');
    expect(commandName(['--stream', 'site_a', 'worker', '--batch', '0'])).toBe('worker');
    expect(commandName(['--topic-root', 'site-a/loadscope', '--stream', 'a', 'start'])).toBe('start');
    expect(featureOf(commandName(['--stream', 'a', 'worker']))).toBeDefined();
  });
});
