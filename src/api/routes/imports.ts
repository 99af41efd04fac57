/**
 * File import over HTTP: the raw file is the request body (CSV, Green Button XML, UtilityAPI JSON/CSV;
 * any content type), streamed to a temp file and imported by the ingest feature's `importFile` in the
 * background. The response carries an import id to poll for progress and the importer's summary
 * (`?wait=true` answers with the finished summary instead). Imports land in the caller's organisation;
 * an existing facility needs edit access.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { FacilityKind } from '../../domain/types.ts';
import { InputError, LoadscopeError, NotFoundError } from '../../errors.ts';
import { slug } from '../../ingest/catalog.ts';
import { importFile } from '../../ingest/import-file.ts';
import {
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportProgress,
  type ImportSummary,
} from '../../ingest/types.ts';
import { requirePrincipal, requireRole } from '../principal.ts';
import { errorResponses, idSchema, kindSchema } from './schemas.ts';

/** Largest accepted upload. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** State of one upload. */
export interface ImportRecord {
  id: string;
  orgId: string;
  filename: string;
  facilityId: string;
  state: 'running' | 'done' | 'failed';
  startedAt: number;
  endedAt: number | null;
  progress: { bytesRead: number; bytesTotal: number; rows: number; readings: number };
  summary: Omit<ImportSummary, 'file' | 'quarantine'> | null;
  error: { error: string; message: string } | null;
}

interface ImportQuery {
  filename: string;
  facility?: string;
  format?: ImportFormat;
  tz?: string;
  zip?: string;
  kind?: FacilityKind;
  wait?: boolean;
}

const recordSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    orgId: { type: 'string' },
    filename: { type: 'string' },
    facilityId: { type: 'string' },
    state: { type: 'string', enum: ['running', 'done', 'failed'] },
    startedAt: { type: 'number' },
    endedAt: { type: ['number', 'null'] },
    progress: {
      type: 'object',
      properties: {
        bytesRead: { type: 'number' },
        bytesTotal: { type: 'number' },
        rows: { type: 'number' },
        readings: { type: 'number' },
      },
    },
    summary: { anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: true }] },
    error: {
      anyOf: [
        { type: 'null' },
        { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } },
      ],
    },
  },
  required: ['id', 'orgId', 'filename', 'facilityId', 'state', 'startedAt', 'progress'],
} as const;

/** Registers the import routes (their own encapsulated context: any body type is taken as a raw stream). */
export async function importRoutes(app: FastifyInstance): Promise<void> {
  const { store, now, config } = app.deps;
  // Per server, so that tests and several servers in one process never share imports.
  const imports = new Map<string, ImportRecord>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.post<{ Querystring: ImportQuery; Body: NodeJS.ReadableStream }>(
    '/imports',
    {
      preHandler: requireRole('analyst'),
      schema: {
        tags: ['import'],
        summary:
          'Upload a file as the raw request body; returns an import id to poll (or the summary with wait=true)',
        querystring: {
          type: 'object',
          properties: {
            filename: {
              type: 'string',
              minLength: 1,
              maxLength: 255,
              description: 'original file name (format detection, default facility)',
            },
            facility: {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              description: 'facility id or name; default from the file name',
            },
            format: { type: 'string', enum: [...IMPORT_FORMATS] },
            tz: { type: 'string', maxLength: 64 },
            zip: { type: 'string', maxLength: 20 },
            kind: kindSchema,
            wait: { type: 'boolean', default: false },
          },
          required: ['filename'],
          additionalProperties: false,
        },
        response: { 200: recordSchema, 202: recordSchema, ...errorResponses, 413: errorResponses[400] },
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
      const facilityId = slug(q.facility ?? base.replace(/\.[a-z0-9]+$/i, ''));
      const existing = await store.catalog.getFacility(facilityId);
      if (existing) await app.access.editableFacilityOrThrow(p, facilityId);

      const dir = await mkdtemp(join(tmpdir(), 'ls-upload-'));
      const path = join(dir, base.replace(/[^A-Za-z0-9._-]/g, '_') || 'upload');
      try {
        await saveBody(request.body, path);
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      const rec: ImportRecord = {
        id: randomUUID(),
        orgId: p.orgId,
        filename: base,
        facilityId,
        state: 'running',
        startedAt: now(),
        endedAt: null,
        progress: { bytesRead: 0, bytesTotal: 0, rows: 0, readings: 0 },
        summary: null,
        error: null,
      };
      imports.set(rec.id, rec);
      const run = importFile(
        store,
        {
          path,
          org: p.orgId,
          facility: facilityId,
          ...(q.format ? { format: q.format } : {}),
          ...(q.tz ? { tz: q.tz } : {}),
          ...(q.zip ? { zip: q.zip } : {}),
          ...(q.kind ? { facilityKind: q.kind } : {}),
          quarantineDir: join(config.dataDir, 'quarantine'),
        },
        {
          onProgress: (pr: ImportProgress) =>
            (rec.progress = {
              bytesRead: pr.bytesRead,
              bytesTotal: pr.bytesTotal,
              rows: pr.rows,
              readings: pr.readings,
            }),
        },
      )
        .then((summary) => {
          const { file: _f, quarantine: _q, ...visible } = summary;
          rec.summary = visible;
          rec.state = 'done';
        })
        .catch((err: unknown) => {
          rec.state = 'failed';
          rec.error =
            err instanceof LoadscopeError
              ? { error: err.code, message: err.message.replaceAll(path, base) }
              : { error: 'IMPORT_FAILED', message: 'the import failed; see the server log' };
          if (!(err instanceof LoadscopeError)) request.log.error({ err }, 'import failed');
        })
        .finally(async () => {
          rec.endedAt = now();
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

  app.get(
    '/imports',
    {
      schema: {
        tags: ['import'],
        summary: "My organisation's imports since the server started, newest first",
        response: { 200: { type: 'array', items: recordSchema }, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      return [...imports.values()]
        .filter((r) => r.orgId === p.orgId)
        .sort((a, b) => b.startedAt - a.startedAt);
    },
  );

  app.get<{ Params: { importId: string } }>(
    '/imports/:importId',
    {
      schema: {
        tags: ['import'],
        summary: "An import's state, progress and summary",
        params: { type: 'object', properties: { importId: idSchema }, required: ['importId'] },
        response: { 200: recordSchema, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const rec = imports.get(request.params.importId);
      if (!rec || rec.orgId !== p.orgId) throw new NotFoundError('import', request.params.importId);
      return rec;
    },
  );
}

/** Streams a request body to a file, refusing more than {@link MAX_UPLOAD_BYTES}. */
async function saveBody(body: NodeJS.ReadableStream | undefined, path: string): Promise<void> {
  if (!body) throw new InputError('the request body must be the file to import', { field: 'body' });
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
}
