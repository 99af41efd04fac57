/**
 * File import over HTTP: the raw file is the request body (CSV, Green Button XML, UtilityAPI JSON/CSV;
 * any content type), streamed to a temp file and imported by the ingest feature's `importFile` in the
 * background. The response carries an import id to poll for progress and the importer's summary
 * (`?wait=true` answers with the finished summary instead). Imports land in the caller's organisation;
 * an existing facility needs edit access. Import records live in the store (`store.imports`), so they
 * survive a restart and any server on the same store answers for them; the process running an import
 * beats a heartbeat into its record, and one whose heartbeat stopped is shown (and stored) as failed.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { InputError, LoadscopeError, NotFoundError } from '../../errors.ts';
import { slug } from '../../ingest/catalog.ts';
import { importFile } from '../../ingest/import-file.ts';
import type { ImportProgress } from '../../ingest/types.ts';
import type { ImportPatch, ImportRecord, ImportRepo } from '../../store/ports/imports.ts';
import { requirePrincipal, requireRole } from '../principal.ts';
import { errorBody, errorResponses } from '../shapes/common.ts';
import { importParams, importQuery, importRecord } from '../shapes/imports.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';
import { importOptionsOf, messageForUpload } from './import-options.ts';

/** Largest accepted upload. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** How often a running import's process refreshes its record's heartbeat (and at most how often progress is stored). */
export const IMPORT_HEARTBEAT_MS = 5_000;
/** A running import whose heartbeat is older than this was stopped with its process. */
export const IMPORT_STALE_MS = 60_000;
/** What an import shows when the process running it stopped before it finished. */
export const INTERRUPTED = {
  error: 'IMPORT_INTERRUPTED',
  message:
    'the import was interrupted: the server running it stopped before it finished; upload the file again',
} as const;

/** Registers the import routes (their own encapsulated context: any body type is taken as a raw stream). */
export async function importRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const { store, now, config } = app.deps;
  const imports = store.imports;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.post(
    '/imports',
    {
      preHandler: requireRole('analyst'),
      schema: {
        tags: ['import'],
        summary:
          'Upload a file as the raw request body; returns an import id to poll (or the summary with wait=true)',
        querystring: importQuery,
        response: { 200: importRecord, 202: importRecord, ...errorResponses, 413: errorBody },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const q = request.query;
      if (slug(p.orgId) !== p.orgId)
        throw new InputError(`organisation id '${p.orgId}' cannot receive imports (not a slug)`, {
          field: 'org',
        });
      const base = q.filename.replace(/^.*[\\/]/, '');
      // Without a chosen facility the file's own name is the default one (utility files place
      // their services themselves; the summary lists every facility the import wrote to).
      const facilityId = slug(q.facility ?? base.replace(/(\.(csv|txt|dat|xml|json|gz))+$/i, ''));
      const existing = await store.catalog.getFacility(facilityId);
      if (existing) await app.access.editableFacilityOrThrow(p, facilityId);

      const dir = await mkdtemp(join(tmpdir(), 'ls-upload-'));
      const path = join(dir, base.replace(/[^A-Za-z0-9._-]/g, '_') || 'upload');
      let bytes: number;
      try {
        bytes = await saveBody(request.body, path);
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      const startedAt = now();
      const rec: ImportRecord = {
        id: randomUUID(),
        orgId: p.orgId,
        filename: base,
        facilityId,
        state: 'running',
        startedAt,
        endedAt: null,
        heartbeatAt: startedAt,
        progress: { bytesRead: 0, bytesTotal: bytes, rows: 0, readings: 0 },
        summary: null,
        error: null,
      };
      try {
        await imports.createImport(rec);
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      const tracker = trackImport(imports, rec, now, request.log);
      const run = importFile(
        store,
        {
          ...importOptionsOf(q),
          path,
          displayName: base,
          org: p.orgId,
          quarantineDir: join(config.dataDir, 'quarantine'),
        },
        {
          onProgress: (pr: ImportProgress) =>
            tracker.progress({
              bytesRead: pr.bytesRead,
              bytesTotal: pr.bytesTotal,
              rows: pr.rows,
              readings: pr.readings,
            }),
        },
      )
        .then((summary): ImportPatch => {
          const { file: _f, quarantine: _q, ...visible } = summary;
          return { state: 'done', summary: visible, facilityId: summary.facilities?.[0] ?? facilityId };
        })
        .catch((err: unknown): ImportPatch => {
          if (!(err instanceof LoadscopeError)) request.log.error({ err }, 'import failed');
          return {
            state: 'failed',
            error:
              err instanceof LoadscopeError
                ? { error: err.code, message: messageForUpload(err.message, path, base) }
                : { error: 'IMPORT_FAILED', message: 'the import failed; see the server log' },
          };
        })
        .then((patch) => tracker.finish(patch))
        .finally(async () => {
          app.deps.invalidateCaches();
          await rm(dir, { recursive: true, force: true });
        });
      if (q.wait) {
        await run;
        return reply.status(200).send(rec);
      }
      return reply.status(202).send(rec);
    },
  );

  /** Stores and shows as failed the running imports among `recs` whose process stopped. */
  const settleStale = async (recs: ImportRecord[]): Promise<ImportRecord[]> => {
    const at = now();
    const stale = recs.filter((r) => r.state === 'running' && r.heartbeatAt < at - IMPORT_STALE_MS);
    if (stale.length === 0) return recs;
    await imports.interruptStale(
      stale.map((r) => r.id),
      at - IMPORT_STALE_MS,
      INTERRUPTED,
      at,
    );
    // Read back: a process that was only slow may have finished the import in the meantime.
    const fresh = await Promise.all(recs.map(async (r) => (stale.includes(r) ? imports.getImport(r.id) : r)));
    return fresh.filter((r): r is ImportRecord => r !== undefined);
  };

  app.get(
    '/imports',
    {
      schema: {
        tags: ['import'],
        summary: "My organisation's imports, newest first (the latest 100)",
        response: { 200: importRecord.array(), ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      return settleStale(await imports.listImports({ orgId: p.orgId }));
    },
  );

  app.get(
    '/imports/:importId',
    {
      schema: {
        tags: ['import'],
        summary: "An import's state, progress and summary",
        params: importParams,
        response: { 200: importRecord, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const rec = await imports.getImport(request.params.importId);
      if (!rec || rec.orgId !== p.orgId) throw new NotFoundError('import', request.params.importId);
      const [settled] = await settleStale([rec]);
      if (!settled) throw new NotFoundError('import', request.params.importId);
      return settled;
    },
  );
}

/** Writes of one running import to its record, in order. */
interface ImportTracker {
  /** Records progress (stored at most every {@link IMPORT_HEARTBEAT_MS}). */
  progress(progress: ImportRecord['progress']): void;
  /** Stores the outcome with the last progress, stops the heartbeat and waits for every write. */
  finish(patch: ImportPatch): Promise<void>;
}

/**
 * Keeps `rec` (the object the POST answers with) and its stored record up to date while the import runs:
 * progress at most every heartbeat, a heartbeat even when the importer reports nothing, and the outcome.
 * Writes go one after another so an older one never lands after the outcome; a failed write is logged
 * and does not stop the import.
 */
function trackImport(
  repo: ImportRepo,
  rec: ImportRecord,
  now: () => number,
  log: FastifyBaseLogger,
): ImportTracker {
  let chain = Promise.resolve();
  let storedAt = rec.heartbeatAt;
  const save = (patch: ImportPatch): Promise<void> =>
    (chain = chain
      .then(() => repo.updateImport(rec.id, patch))
      .catch((err: unknown) => log.error({ err, importId: rec.id }, 'could not store the import record')));
  const beat = (): void => {
    storedAt = rec.heartbeatAt = now();
    void save({ heartbeatAt: rec.heartbeatAt, progress: rec.progress });
  };
  const timer = setInterval(beat, IMPORT_HEARTBEAT_MS);
  timer.unref();
  return {
    progress(progress) {
      rec.progress = progress;
      if (now() - storedAt >= IMPORT_HEARTBEAT_MS) beat();
    },
    async finish(patch) {
      clearInterval(timer);
      Object.assign(rec, patch, { endedAt: now(), heartbeatAt: now() });
      await save({ ...patch, endedAt: rec.endedAt, heartbeatAt: rec.heartbeatAt, progress: rec.progress });
    },
  };
}

/**
 * Streams a request body (the raw stream: this context parses no body) to a file, refusing more than
 * {@link MAX_UPLOAD_BYTES}; returns its size.
 */
async function saveBody(body: unknown, path: string): Promise<number> {
  if (!(body instanceof Readable))
    throw new InputError('the request body must be the file to import', { field: 'body' });
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > MAX_UPLOAD_BYTES)
        cb(new InputError(`the file is larger than ${MAX_UPLOAD_BYTES} bytes`, { field: 'body' }));
      else cb(null, chunk);
    },
  });
  await pipeline(body, limit, createWriteStream(path));
  if (bytes === 0) throw new InputError('the uploaded file is empty', { field: 'body' });
  return bytes;
}
