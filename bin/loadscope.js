#!/usr/bin/env node
// The `loadscope` command: runs the compiled CLI (dist/main.js) in this very process, compiling src/
// first when dist/ is missing or older than a source file. One process, not a wrapper around a child:
// a signal or `kill -9` ends the command itself, so no orphan keeps the DuckDB file locked (and when
// npm started it, it ends with npm: see npm-parent.js).
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT, ensureBuilt } from './build.js';
import { exitWithNpm } from './npm-parent.js';

exitWithNpm();
await ensureBuilt(ROOT);
await import(pathToFileURL(join(ROOT, 'dist', 'main.js')).href);
