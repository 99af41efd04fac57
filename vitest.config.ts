import { defineConfig } from 'vitest/config';

// Integration tests talk to real servers (PostgreSQL, Mosquitto, NATS, Slurm); they run one file at a
// time per worker and get generous time-outs because the machines are shared.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
