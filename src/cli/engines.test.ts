/**
 * `npm ci` prints no EBADENGINE warning (issue 14, item 20): every package in the lock file supports
 * the Node.js running the tests (the machine's Node 20), and package.json's `engines` states a range
 * that every package supports at each of its lower bounds.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './testing.ts';

/** The slice of semver (npm's own range logic) used here. */
interface Semver {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
}
const semver = createRequire(import.meta.url)('semver') as Semver;

interface Lock {
  packages: Record<string, { version?: string; engines?: { node?: string } }>;
}
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };

/** Locked packages whose `engines.node` excludes `version`. */
function unsupported(version: string): string[] {
  return Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && p.engines?.node && !semver.satisfies(version, p.engines.node))
    .map(
      ([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version} needs node ${p.engines?.node}`,
    );
}

describe('Node.js engines', () => {
  it(`every locked package supports this Node (${process.versions.node})`, () => {
    expect(unsupported(process.versions.node)).toEqual([]);
    expect(semver.satisfies(process.versions.node, root.engines.node)).toBe(true);
  });

  it(`package.json engines (${root.engines.node}) holds for every package at each lower bound`, () => {
    const bounds = root.engines.node.split('||').map((r) => semver.minVersion(r.trim())?.version);
    expect(bounds.length).toBeGreaterThan(0);
    for (const v of bounds) expect(unsupported(v ?? 'none'), `node ${v}`).toEqual([]);
  });
});
