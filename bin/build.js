// Compiles src/ to dist/ as plain ES modules, one output file per source file, so that the CLI and the
// server start without compiling TypeScript at each run (tsx took seconds per command on a busy machine).
// Run as `node bin/build.js` (`npm run build`); bin/loadscope.js calls `ensureBuilt` before each command.
//
// Each file keeps its place (src/api/server.ts -> dist/api/server.js), so paths built from
// `import.meta.url` (web/dist, boot files of worker threads, the checkout root for Slurm) resolve the
// same from dist/ as from src/. Relative imports are rewritten from .ts to .js; packages stay imports.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root folder (the parent of bin/). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = '.build.json';

/** Source files of the build: everything under src/ but tests. */
function sources(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
        out.push(p);
    }
  };
  walk(join(root, 'src'));
  return out;
}

/**
 * Whether dist/ is missing or older than a source file, package.json or this script. Costs one stat
 * per source file (about 300, a few milliseconds), which keeps `loadscope --help` fast.
 */
export function needsBuild(root = ROOT) {
  const stampPath = join(root, 'dist', STAMP);
  if (!existsSync(join(root, 'src'))) return false; // an installed package ships dist/ only
  if (!existsSync(stampPath)) return true;
  const built = statSync(stampPath).mtimeMs;
  const files = sources(root);
  let count = 0;
  for (const f of [...files, join(root, 'package.json'), fileURLToPath(import.meta.url)]) {
    if (statSync(f).mtimeMs > built) return true;
    count++;
  }
  // A file added or removed since the build changes the count without touching a newer mtime.
  return readStampCount(stampPath) !== count;
}

function readStampCount(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).inputs;
  } catch {
    return -1;
  }
}

/**
 * Builds dist/ from src/. Writes into a fresh folder and renames it into place, so a command that
 * starts during a build never loads half of two builds.
 */
export async function build(root = ROOT) {
  const { build: esbuild, stop } = await import('esbuild');
  const files = sources(root);
  const tmp = join(root, `dist.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const ts = files.filter((f) => f.endsWith('.ts'));
  try {
    await esbuild({
      entryPoints: ts,
      outbase: join(root, 'src'),
      outdir: tmp,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'warning',
      plugins: [relativeImportsAsJs],
    });
  } finally {
    // esbuild's service process would otherwise live as long as this command (a server: for days).
    await stop();
  }
  for (const f of files.filter((f) => f.endsWith('.mjs'))) {
    const to = join(tmp, relative(join(root, 'src'), f));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(f, to);
  }
  writeFileSync(
    join(tmp, STAMP),
    JSON.stringify({ builtAt: new Date().toISOString(), inputs: files.length + 2 }) + '\n',
  );
  const dist = join(root, 'dist');
  const old = join(root, `dist.old-${process.pid}`);
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(tmp, dist);
  rmSync(old, { recursive: true, force: true });
  return { files: ts.length };
}

/**
 * Builds when `needsBuild` says so; reports on stderr, since stdout may be a command's data. Commands
 * started together (a test suite, a script) build once: the first takes the build lock, the others
 * wait for it and find dist/ up to date.
 */
export async function ensureBuilt(root = ROOT) {
  if (!needsBuild(root)) return;
  await withBuildLock(root, async () => {
    if (!needsBuild(root)) return;
    const t0 = Date.now();
    const { files } = await build(root);
    process.stderr.write(`loadscope: compiled ${files} files to dist/ in ${Date.now() - t0} ms\n`);
  });
}

/** A lock older than this was left by a killed build (a build takes seconds). */
const STALE_LOCK_MS = 120_000;

/** Runs `fn` holding `dist.lock` (a folder: creating one is atomic). */
async function withBuildLock(root, fn) {
  const lock = join(root, 'dist.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS)
          rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released meanwhile: try again.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Keeps every relative import an import (one output file per source file) and points it at the
 * compiled file: `./x.ts` becomes `./x.js`.
 */
const relativeImportsAsJs = {
  name: 'relative-imports-as-js',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return { path: args.path.replace(/\.tsx?$/, '.js'), external: true };
    });
  },
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = Date.now();
  const { files } = await withBuildLock(ROOT, () => build());
  process.stdout.write(`compiled ${files} files to dist/ in ${Date.now() - t0} ms\n`);
}
