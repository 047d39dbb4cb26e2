import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { ApiError } from '../errors/api-error';

/**
 * An AbortSignal that fires when the client goes away before its answer is
 * written, so the storage query it asked for is cancelled. The response's
 * 'close' (not the request's, which fires once the request body is read)
 * is the disconnect; after a complete answer `writableFinished` is true.
 */
export const RequestSignal = createParamDecorator((_data: unknown, context: ExecutionContext): AbortSignal => {
  const response = context.switchToHttp().getResponse<FastifyReply>().raw;
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) {
      controller.abort(new ApiError(499, 'client_closed_request', 'the client closed the connection'));
    }
  });
  return controller.signal;
});
