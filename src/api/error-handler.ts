/**
 * The API's one error boundary: named Loadscope errors keep their status and message, Fastify's own
 * errors (schema validation, rate limit, CSRF, body too large) keep theirs, anything else is a 500
 * whose details go to the log only. Every error body is `{ error: code, message }`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ConfigError, ExternalError, LoadscopeError, StoreError } from '../errors.ts';
import type { ErrorBody } from './shapes/common.ts';

/** The JSON body of every error response (its shape: `errorBody` in src/api/shapes/common.ts). */
export type { ErrorBody };

/**
 * A 5xx body: the error's code and a fixed message with the request id to find it in the server log.
 * Messages of failed store operations and unexpected errors carry database text (SQL, table names) or
 * internals, so they go to the log only; configuration and outside-system errors keep their first line,
 * which says what to fix.
 */
function serverErrorBody(err: unknown, status: number, requestId?: string): ErrorBody {
  const ref = requestId ? ` (request ${requestId})` : '';
  if (err instanceof StoreError)
    return { error: err.code, message: `the database failed to answer; see the server log${ref}` };
  if (err instanceof ConfigError || err instanceof ExternalError) {
    const line = (err.message.split('\n')[0] ?? '').slice(0, 300);
    return { error: err.code, message: `${line}${ref}` };
  }
  const code = err instanceof LoadscopeError ? err.code : status === 500 ? 'INTERNAL' : `HTTP_${status}`;
  return { error: code, message: `internal error; see the server log${ref}` };
}

/** Maps an error to a status and {@link ErrorBody}; `requestId` is named in 5xx messages. */
export function toErrorResponse(err: unknown, requestId?: string): { status: number; body: ErrorBody } {
  if (err instanceof LoadscopeError && err.status < 500)
    return { status: err.status, body: { error: err.code, message: err.message } };
  if (err instanceof LoadscopeError)
    return { status: err.status, body: serverErrorBody(err, err.status, requestId) };
  const fe = err as Partial<FastifyError> & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(err))
    return { status: 400, body: { error: 'INPUT_INVALID', message: zodMessage(err, fe.validationContext) } };
  if (fe.validation) {
    // Fastify's message names the part and the field, e.g. "body/email must match format \"email\"".
    return { status: 400, body: { error: 'INPUT_INVALID', message: fe.message ?? 'invalid input' } };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { status, body: { error: fe.code ?? `HTTP_${status}`, message: fe.message ?? 'request failed' } };
  }
  return { status: status > 500 && status < 600 ? status : 500, body: serverErrorBody(err, 500, requestId) };
}

/**
 * The message of a request that failed its zod schema, in the words Fastify uses for JSON schemas:
 * the part and the field, then what was expected (`querystring/limit: Too big: expected number to be
 * <=1000`); one issue per field, a missing field said as such.
 */
function zodMessage(
  err: { validation: { instancePath: string; message?: string }[] },
  context = 'request',
): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const v of err.validation) {
    if (seen.has(v.instancePath)) continue;
    seen.add(v.instancePath);
    const path = v.instancePath === '/' ? '' : v.instancePath;
    lines.push(
      `${context}${path}: ${(v.message ?? 'invalid').replace(/^Invalid input: (expected .*), received undefined$/, 'required, $1')}`,
    );
  }
  return lines.join('; ');
}

/** Fastify error handler built on {@link toErrorResponse}. */
export async function apiErrorHandler(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const { status, body } = toErrorResponse(err, request.id);
  if (status >= 500) request.log.error({ err }, 'request failed');
  await reply.status(status).send(body);
}
