/**
 * Serves the built web application (web/dist) when it exists, with the single-page-app fallback:
 * unknown GET paths outside /api answer index.html so that client-side routes survive a reload.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../errors.ts';

/** Registers static serving of `webDir` (if it holds index.html) and the not-found handler. */
export async function registerWebApp(app: FastifyInstance, webDir: string): Promise<void> {
  const hasWeb = existsSync(join(webDir, 'index.html'));
  if (hasWeb)
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: 'index.html' });
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (hasWeb && request.method === 'GET' && !path.startsWith('/api/') && path !== '/api') {
      return reply.type('text/html').sendFile('index.html');
    }
    throw new NotFoundError('route', `${request.method} ${path}`);
  });
}
