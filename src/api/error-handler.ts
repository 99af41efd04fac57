/**
 * The API's one error boundary: named Loadscope errors keep their status and message, Fastify's own
 * errors (schema validation, rate limit, CSRF, body too large) keep theirs, anything else is a 500
 * whose details go to the log only. Every error body is `{ error: code, message }`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { LoadscopeError } from '../errors.ts';

/** The JSON body of every error response. */
export interface ErrorBody {
  error: string;
  message: string;
}

/** JSON schema of {@link ErrorBody}, for route response schemas and the OpenAPI document. */
export const errorBodySchema = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error', 'message'],
} as const;

/** Maps an error to a status and {@link ErrorBody}. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof LoadscopeError)
    return { status: err.status, body: { error: err.code, message: err.message } };
  const fe = err as Partial<FastifyError> & { validationContext?: string };
  if (fe.validation) {
    // Fastify's message names the part and the field, e.g. "body/email must match format \"email\"".
    return { status: 400, body: { error: 'INPUT_INVALID', message: fe.message ?? 'invalid input' } };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { status, body: { error: fe.code ?? `HTTP_${status}`, message: fe.message ?? 'request failed' } };
  }
  return { status: 500, body: { error: 'INTERNAL', message: 'internal error; see the server log' } };
}

/** Fastify error handler built on {@link toErrorResponse}. */
export async function apiErrorHandler(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const { status, body } = toErrorResponse(err);
  if (status >= 500) request.log.error({ err }, 'request failed');
  await reply.status(status).send(body);
}
