import { Transform, type TransformCallback } from 'node:stream';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiError, type ApiErrorBody } from '@temporal-bridge/query';
import type { FastifyRequest } from 'fastify';

/** The routes whose bodies are events: JSON / NDJSON ingest and OTLP/HTTP. */
const INGEST_PATHS = new Set(['/v1/events', '/v1/traces', '/v1/logs']);

/** Seconds a client pushed back is told to wait. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Bounds the request bodies that ingest holds at once, in bytes, whatever
 * the number of clients. A request holds its body (and, once parsed, its
 * events) from the moment it is admitted until it is answered, which for
 * ingest is after its events are stored: while storage is behind, every
 * connection adds a whole body to the heap, and MAX_BUFFERED_EVENTS alone
 * does not bound that (requests wait for buffer space with their events
 * decoded).
 *
 * A request is admitted when its Content-Length fits in what is left of
 * `maxPendingBytes`, or when nothing else is pending (so one body of up to
 * INGEST_MAX_BODY_BYTES always gets through); otherwise it is answered at
 * once with 503 `ingest_busy` and Retry-After, before its body is read:
 * nothing of it is stored, the client sends it again. A body without
 * Content-Length (chunked) is counted as it arrives and answered the same
 * way when it overflows the bound. Its bytes are released when the answer
 * is sent or the client goes away.
 */
export function registerIngestAdmission(app: NestFastifyApplication, maxPendingBytes: number): IngestAdmission {
  const admission = new IngestAdmission(maxPendingBytes);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !INGEST_PATHS.has(request.url.split('?', 1)[0] ?? '')) return;
    const length = Number(request.headers['content-length']);
    const declared = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    if (!admission.tryReserve(declared ?? 0)) {
      void reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .header('connection', 'close')
        .send(admission.busyBody(declared));
      return reply;
    }
    let held = declared ?? 0;
    reply.raw.once('close', () => admission.release(held));
    if (declared === undefined)
      pendingStreams.set(request, (bytes) => {
        if (!admission.tryGrow(held, bytes)) return false;
        held += bytes;
        return true;
      });
    return undefined;
  });
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    const grow = pendingStreams.get(request);
    if (grow === undefined) return payload;
    pendingStreams.delete(request);
    return payload.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, callback: TransformCallback) {
          if (grow(chunk.length)) callback(null, chunk);
          else callback(admission.busyError());
        },
      }),
    );
  });
  return admission;
}

/** Chunked requests admitted, until their body is read: how to count its bytes. */
const pendingStreams = new WeakMap<FastifyRequest, (bytes: number) => boolean>();

/** The byte count behind registerIngestAdmission (exposed for stats and tests). */
export class IngestAdmission {
  /** Bytes of the bodies of the requests admitted and not yet answered. */
  pendingBytes = 0;
  /** Requests admitted and not yet answered. */
  pendingRequests = 0;
  /** Requests answered 503 ingest_busy. */
  refused = 0;

  constructor(readonly maxPendingBytes: number) {}

  tryReserve(bytes: number): boolean {
    if (this.pendingRequests > 0 && this.pendingBytes + bytes > this.maxPendingBytes) {
      this.refused += 1;
      return false;
    }
    this.pendingBytes += bytes;
    this.pendingRequests += 1;
    return true;
  }

  /** More bytes of a chunked body whose request already holds `held`. */
  tryGrow(held: number, bytes: number): boolean {
    // Alone, a request may hold up to the body limit (Fastify enforces that one).
    const alone = this.pendingBytes === held;
    if (!alone && this.pendingBytes + bytes > this.maxPendingBytes) {
      this.refused += 1;
      return false;
    }
    this.pendingBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    this.pendingBytes -= bytes;
    this.pendingRequests -= 1;
  }

  busyBody(declared: number | undefined): ApiErrorBody {
    const size = declared === undefined ? '' : ` of ${declared} bytes`;
    return {
      error: 'ingest_busy',
      message: `ingest already holds ${this.pendingBytes} bytes of request bodies (INGEST_MAX_PENDING_BYTES ${this.maxPendingBytes}; storage is behind or many clients send at once): this request${size} was not read and nothing of it is stored; send it again after Retry-After (${RETRY_AFTER_SECONDS} s)`,
    };
  }

  busyError(): ApiError {
    const { error, message } = this.busyBody(undefined);
    return new ApiError(503, error, message, { 'retry-after': String(RETRY_AFTER_SECONDS) });
  }
}
