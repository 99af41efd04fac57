/**
 * Worker threads for the importers, started from one bundled ES module. A worker that registers tsx
 * to load TypeScript took about 3.9 s to start on a loaded machine against about 1 s for the same
 * code bundled by esbuild, so each entry is bundled once per process (about 1 s) and every later
 * worker starts from the bundle.
 */
import { build } from 'esbuild';

/**
 * Bundles per entry URL. A cache for the life of the process: the bundle is a pure function of the
 * source files, which do not change under a running server.
 */
const bundles = new Map<string, Promise<URL>>();

/** A `data:` URL of `entry` (a .ts or .js file) bundled with its imports, for `new Worker(url)`. */
export function workerUrl(entry: URL): Promise<URL> {
  let url = bundles.get(entry.href);
  if (!url) {
    url = bundle(entry);
    bundles.set(entry.href, url);
    // A failed bundle is not kept, so that the next import tries again.
    url.catch(() => bundles.delete(entry.href));
  }
  return url;
}

async function bundle(entry: URL): Promise<URL> {
  const out = await build({
    entryPoints: [entry.pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  return new URL(`data:text/javascript,${encodeURIComponent(out.outputFiles[0]!.text)}`);
}
