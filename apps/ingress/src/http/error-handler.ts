import type { FastifyError, FastifyInstance } from 'fastify';
import { errorBody } from '@herohooks/contracts';
import { EnqueueUnavailableError } from '../enqueue/unavailable';
import { HttpError } from './errors';

/** Retry-After for a 503: the producer reconnects within about two seconds (runtime redisOptions). */
export const RETRY_AFTER_SECONDS = 5;

// Fastify's own errors, by their stable code.
const fastifyErrors: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large', 'The body is larger than the configured limit.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'The request body must be sent as application/json.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_content_length', 'The body length does not match Content-Length.'],
};

const byStatus: Record<number, [string, string]> = {
  400: ['bad_request', 'The request could not be read.'],
  404: ['not_found', 'No such route.'],
  408: ['request_timeout', 'The request took too long to arrive.'],
  413: ['body_too_large', 'The body is larger than the configured limit.'],
  415: ['unsupported_media_type', 'The request body must be sent as application/json.'],
};

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof EnqueueUnavailableError) {
    return new HttpError(503, 'queue_unavailable', 'The queue did not acknowledge the write; retry later.');
  }
  const { code, statusCode } = error as Partial<FastifyError>;
  const known = code ? fastifyErrors[code] : undefined;
  if (known) return new HttpError(...known);
  if (statusCode && statusCode >= 400 && statusCode < 500) {
    const [name, message] = byStatus[statusCode] ?? ['bad_request', 'The request could not be handled.'];
    return new HttpError(statusCode, name, message);
  }
  return new HttpError(500, 'internal_error', 'Something went wrong on our side.');
}

/** Every error, Fastify's own included, leaves as {"error": {"code", "message"}}. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const answer = toHttpError(error);
    if (answer.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    if (answer.statusCode === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    request.errorCode = answer.code;
    return reply.code(answer.statusCode).send(errorBody(answer.code, answer.message, answer.details));
  });
  app.setNotFoundHandler((request, reply) => {
    request.errorCode = 'not_found';
    return reply.code(404).send(errorBody('not_found', 'No such route.'));
  });
}
