/**
 * The real-time layer's routes as a Fastify plugin for the API server: device ingest, alerts, pattern
 * rules, latest values and windows, the live push (SSE and WebSocket), the quarantine and metrics of
 * ingest. They take the caller from the server (`request.principal`, token scopes checked by its
 * hook) and check facilities through `app.access` like every other route.
 */
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import { alertRoutes } from './alerts.ts';
import type { RealtimeRoutesDeps } from './deps.ts';
import { liveRoutes } from './live.ts';
import { ingestRoutes, readingRoutes } from './readings.ts';
import { ruleRoutes } from './rules.ts';

export type { RealtimeRoutesDeps };

/** Builds the plugin. */
export function realtimeRoutes(deps: RealtimeRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    // The API server registers the WebSocket plugin for all its routes; a test host may not.
    if (!app.hasDecorator('websocketServer')) await app.register(fastifyWebsocket);
    await readingRoutes(app, deps);
    alertRoutes(app, deps);
    await ruleRoutes(app, deps);
    liveRoutes(app, deps);
    ingestRoutes(app, deps);
  };
}
