import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '@pipewatch/shared';
import { SUPPORTED_MEDIA_TYPES } from './body-parsers.js';
import { sendError } from './error-body.js';

/**
 * Maps fastify's own errors onto our `{error: {code, message}}` shape. A 4xx answers
 * with fastify's message (never a stack); anything else is logged and answered 500
 * with a generic message, since its text may describe our internals.
 */
export function registerErrorHandler(app: FastifyInstance, options: { logger: Logger; maxBodyBytes: number }): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, 'body_too_large', `request body is too large; limit ${options.maxBodyBytes} bytes`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(
          reply,
          415,
          'unsupported_media_type',
          `unsupported Content-Type ${JSON.stringify((request.headers['content-type'] ?? '').slice(0, 100))}; use ${SUPPORTED_MEDIA_TYPES.join(' or ')}`,
        );
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendError(reply, 400, 'invalid_json', error.message);
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendError(reply, 400, 'invalid_content_length', error.message);
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, status, 'bad_request', error.message);
    }
    options.logger.error('request failed', { method: request.method, route: request.routeOptions.url, code: error.code, error });
    return sendError(reply, 500, 'internal', 'internal error');
  });
}
