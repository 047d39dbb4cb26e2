import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { routeTableOf } from '../app/route-table';
import { ApiError, type ApiErrorCode } from './api-error';
import { storageErrorToApiError } from './storage-error.mapping';

const CODE_BY_STATUS: Record<number, ApiErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * Renders every error as JSON `{error, message}` with a stable code: ApiError
 * as thrown, storage's typed errors by storageErrorToApiError, Nest's and
 * Fastify's HTTP errors by status (an unknown route is 404 not_found, a known
 * path with another method 405 method_not_allowed). Anything else is a bug:
 * 500 internal_error, logged, its details kept from the client.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const error = this.toApiError(exception, request);
    if (error.status === 499) this.logger.debug(`${request.method} ${request.url}: client closed the connection`);
    if (error.status >= 500) this.log(error, exception, request);
    if (reply.sent || reply.raw.destroyed) return;
    void reply.status(error.status).headers(error.headers).send(error.body());
  }

  /** A dependency failing (503/504) is a warning with its cause; anything else is an error with its stack. */
  private log(error: ApiError, exception: unknown, request: FastifyRequest): void {
    const cause = exception instanceof ApiError ? exception.cause : exception;
    const detail = cause instanceof Error ? (cause.stack ?? cause.message) : JSON.stringify(cause);
    const line = `${request.method} ${request.url}: ${error.code}: ${error.message}`;
    if (error.status === 503 || error.status === 504) this.logger.warn(`${line}; cause: ${detail}`);
    else this.logger.error(line, detail);
  }

  private toApiError(exception: unknown, request: FastifyRequest): ApiError {
    try {
      return this.classify(exception, request);
    } catch {
      // A filter that throws would let Nest answer with its own body (and the error's message).
      return new ApiError(500, 'internal_error', 'internal error; see the service log');
    }
  }

  private classify(exception: unknown, request: FastifyRequest): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof HttpException) return this.fromHttpException(exception, request);
    const fromStorage = storageErrorToApiError(exception);
    if (fromStorage !== undefined) return fromStorage;
    return new ApiError(500, 'internal_error', 'internal error; see the service log');
  }

  private fromHttpException(exception: HttpException, request: FastifyRequest): ApiError {
    const status = exception.getStatus();
    if (status === 404) {
      const allowed = routeTableOf(request.server)?.methodsFor(request.url) ?? [];
      if (allowed.length > 0 && !allowed.includes(request.method)) {
        return new ApiError(
          405,
          'method_not_allowed',
          `${request.method} is not allowed on ${pathOf(request)}; use ${allowed.join(', ')}`,
          {
            allow: allowed.join(', '),
          },
        );
      }
      return ApiError.notFound(`no route ${request.method} ${pathOf(request)}; the routes are listed at /docs`);
    }
    if (status >= 500) return new ApiError(500, 'internal_error', 'internal error; see the service log');
    return new ApiError(status, CODE_BY_STATUS[status] ?? `http_${status}`, messageOf(exception));
  }
}

function pathOf(request: FastifyRequest): string {
  const path = request.url.split('?', 1)[0] ?? request.url;
  return path.length > 200 ? `${path.slice(0, 200)}...` : path;
}

/** Nest's exceptions carry `{message}` (string or list) or a string. */
function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}
