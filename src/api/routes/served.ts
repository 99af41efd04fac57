/**
 * Bodies a route sends as they are, past its response schema: the JSON text the serving layer keeps
 * (`serving.json`: a year of explore buckets or the zip view cost more to assemble and serialise than
 * to send, so the text is made once) and file streams (a CSV export). Fastify sends a string with a
 * JSON content type, and any stream, without serialising it; the zod shape still documents the answer
 * (by content type) and types the function that builds the kept text. This module is the one place
 * that sends a body other than the schema's type.
 */
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { Serving } from '../serving/serving.ts';

/** The response entry of an answer documented by `shape` under `contentType`. */
export function documented<S extends z.ZodType>(
  shape: S,
  description: string,
  contentType = 'application/json',
) {
  return { description, content: { [contentType]: { schema: shape } } };
}

/**
 * The part of a route's reply sending uses. `send` is a method, so a reply typed by its route's
 * schemas fits: the body is sent as it is, whatever the schema's type.
 */
interface AsIsReply<R> {
  type(contentType: string): { send(body: unknown): R };
}

/** Sends a body Fastify does not serialise (text or a stream) with its content type. */
export function sendAsIs<R>(reply: AsIsReply<R>, contentType: string, body: string | Readable): R {
  return reply.type(contentType).send(body);
}

/**
 * Sends the answer kept under `key` (built by `build`, of `shape`'s type, when missing); `key` must
 * name everything the answer depends on, and the route checks access before it asks.
 */
export async function sendServed<S extends z.ZodType, R>(
  reply: AsIsReply<R>,
  serving: Pick<Serving, 'json'>,
  answer: {
    shape: S;
    key: readonly (string | number)[];
    tags: readonly string[];
    from?: 'rollups' | 'readings';
  },
  build: () => Promise<z.output<S>>,
): Promise<R> {
  const text = await serving.json(answer.key.join('\u0000'), answer.tags, build, answer.from);
  return sendAsIs(reply, 'application/json; charset=utf-8', text);
}
