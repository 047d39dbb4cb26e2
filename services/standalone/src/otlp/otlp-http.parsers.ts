import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiError } from '@temporal-bridge/query';

/** OTLP/HTTP's binary content type (and the spelling some clients use). */
export const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];

/** The OTLP/HTTP routes: gzip is decoded for these only, /v1/events keeps its own rules. */
const OTLP_PATHS = new Set(['/v1/traces', '/v1/logs']);

/** A protobuf body, kept as bytes until the OTLP controller decodes it. */
export class ProtobufBody {
  constructor(readonly bytes: Buffer) {}
}

/**
 * Registers what OTLP/HTTP needs on the Fastify instance:
 * - a parser for protobuf bodies (bounded by the app's body limit);
 * - `Content-Encoding: gzip` on the OTLP routes, decompressed as it streams
 *   in. The body limit applies to the decompressed bytes, so a small
 *   compressed body cannot expand into gigabytes (413 instead).
 */
export function registerOtlpHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser(PROTOBUF_TYPES, { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, new ProtobufBody(Buffer.isBuffer(body) ? body : Buffer.from(body)));
  });
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    if (request.method !== 'POST' || !OTLP_PATHS.has(request.url.split('?', 1)[0] ?? '')) return payload;
    const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding === 'identity') return payload;
    if (encoding !== 'gzip')
      throw new ApiError(
        415,
        'unsupported_media_type',
        `Content-Encoding: ${encoding} is not supported; send gzip or identity`,
      );
    // Content-Length counts compressed bytes; Fastify must not compare it with what it reads now.
    delete request.headers['content-length'];
    const gunzip = createGunzip();
    const body = new PassThrough();
    // A corrupt body is the client's error (400 naming it), not a zlib failure of ours (500).
    gunzip.on('error', (error) =>
      body.destroy(new ApiError(400, 'invalid_body', `body: not valid gzip (${error.message})`, {}, { cause: error })),
    );
    payload.on('error', (error) => body.destroy(error));
    return payload.pipe(gunzip).pipe(body);
  });
}
