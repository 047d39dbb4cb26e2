import { MAX_ID_LENGTH } from '@temporal-bridge/event-schema';
import { NestFactory, type IEntryNestModule } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLoggerService } from '@temporal-bridge/service-kit';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

import type { ApiErrorBody } from '../errors/api-error';
import { trackRoutes } from './route-table';

/**
 * Longest raw path parameter the router matches. Fastify's default (100)
 * would answer 404 "no route" for a valid 128-character id, and ids are
 * URL-encoded (an AST node id's "/" and ":" take 3 characters each): room for
 * any MAX_ID_LENGTH id fully encoded, so validation, not the router, rejects
 * a too-long one with a message saying so.
 */
export const MAX_RAW_PARAM_LENGTH = MAX_ID_LENGTH * 12;

export interface ApiAppOptions {
  logger: Logger;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
}

/**
 * A NestJS application on Fastify for the /v1 API (query service and
 * standalone): service-kit's createFastifyApp plus the router settings ids
 * need, JSON `{error, message}` answers for URLs Fastify rejects before any
 * route runs, and the route table behind 405 answers.
 */
export async function createApiFastifyApp(
  module: IEntryNestModule,
  options: ApiAppOptions,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    routerOptions: { maxParamLength: MAX_RAW_PARAM_LENGTH },
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) =>
      sendFrameworkError(error, reply),
  });
  trackRoutes(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoLoggerService(options.logger),
    bufferLogs: false,
    // Throw instead of exiting: runService decides how a failed start ends.
    abortOnError: false,
  });
  // No enableShutdownHooks(): runService owns the signals (Nest's hooks
  // would re-raise SIGTERM after closing and turn a clean exit into 143).
  return app;
}

function sendFrameworkError(error: FastifyError, reply: FastifyReply): void {
  let status = 400;
  let body: ApiErrorBody = { error: 'invalid_url', message: `the URL is not valid: ${error.message}` };
  if (error.code === 'FST_ERR_BAD_URL') {
    body = { error: 'invalid_url', message: 'the URL path is not valid (malformed percent-encoding?)' };
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    status = 414;
    body = {
      error: 'uri_too_long',
      message: `a path parameter is longer than ${MAX_RAW_PARAM_LENGTH} characters; ids are at most ${MAX_ID_LENGTH}`,
    };
  }
  void reply.code(status).send(body);
}
