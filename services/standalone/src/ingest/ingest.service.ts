import { createHash } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { uuidv7, type EventProblem } from '@temporal-bridge/event-schema';
import { ApiError } from '@temporal-bridge/query';
import { FlushTimeoutError, TemporalBridge } from '@temporal-bridge/temporal-bridge';

import { STANDALONE_CONFIG } from '../app/tokens';
import type { StandaloneConfig } from '../config/standalone.config';
import type { IngestResult } from './ingest.schemas';
import { NdjsonBody } from './ndjson';

/**
 * HTTP ingest: a batch of events in, a 2xx only once the valid ones are
 * durably stored. Concurrent requests share the bridge's buffer, so their
 * events are written together in large inserts.
 *
 * Every wait of a request (for buffer space, then for storage) shares one
 * deadline, INGEST_TIMEOUT_MS; past it the answer is 503 with Retry-After
 * and says which of two cases it is: nothing was buffered (none of the
 * request will be stored), or every valid event was buffered (all of them
 * will be stored once storage is back). Never a part of a request silently.
 */
@Injectable()
export class IngestService {
  constructor(
    @Inject(TemporalBridge) private readonly bridge: TemporalBridge,
    @Inject(STANDALONE_CONFIG) private readonly config: StandaloneConfig,
  ) {}

  async ingest(body: unknown): Promise<IngestResult> {
    const { values, indexes, rejected } = this.decode(body);
    if (values.length + rejected.length > this.config.INGEST_MAX_EVENTS) {
      throw new ApiError(
        413,
        'payload_too_large',
        `body: at most ${this.config.INGEST_MAX_EVENTS} events per request (INGEST_MAX_EVENTS), got ${values.length + rejected.length}`,
      );
    }
    // Position in the body of the i-th decoded event (the same, but for NDJSON lines that were not JSON).
    const bodyIndex = (i: number): number => indexes?.[i] ?? i;
    // One deadline for every wait of this request: buffer space, then storage.
    const started = Date.now();
    const timeoutMs = this.config.INGEST_TIMEOUT_MS;
    const deadline = AbortSignal.timeout(timeoutMs);
    // Events ClickHouse itself refuses (a value a column cannot hold) are
    // isolated by the flusher and reported here by index, like invalid ones.
    const refused: IngestResult['rejected'] = [];
    let result: Awaited<ReturnType<TemporalBridge['submit']>>;
    try {
      result = await this.bridge.submit(values, {
        fallbackEventId: (i) => fallbackId(values[i]),
        onStorageReject: (rejects) => {
          for (const { index, reason } of rejects) refused.push({ index: bodyIndex(index), reason });
        },
        signal: deadline,
      });
    } catch (error) {
      if (!deadline.aborted) throw error;
      // Nothing of this request entered the buffer: it will never be stored unless sent again.
      throw new ApiError(
        503,
        'storage_unavailable',
        `none of the events were accepted: the buffer stayed full for ${timeoutMs} ms (INGEST_TIMEOUT_MS; storage is failing or behind); nothing of this request will be stored, send it again later`,
        { 'retry-after': '5' },
        { cause: error },
      );
    }
    for (const { index, problems } of result.rejected)
      rejected.push({ index: bodyIndex(index), reason: reason(problems) });
    try {
      const left = Math.max(1, timeoutMs - (Date.now() - started));
      await this.bridge.waitUntilStored(result.ticket, { timeoutMs: left });
    } catch (error) {
      if (!(error instanceof FlushTimeoutError)) throw error;
      // Buffered events are kept (they cannot be withdrawn from a batch in flight): say so.
      throw new ApiError(
        503,
        'storage_unavailable',
        `the ${result.accepted.length} valid events were not stored within ${timeoutMs} ms (INGEST_TIMEOUT_MS; storage is failing or behind); they are all kept and will be stored once storage is back, so sending them again is safe when they carry an event_id or a timestamp (stored once)`,
        { 'retry-after': '5' },
        { cause: error },
      );
    }
    rejected.push(...refused);
    return {
      accepted: result.accepted.length - refused.length,
      rejected: rejected.sort((a, b) => a.index - b.index),
    };
  }

  /** Flushes the buffer; 503 if storage cannot take it in time. */
  async flush(): Promise<{ flushed: true; events_stored: number }> {
    try {
      await this.bridge.flushBuffer({ timeoutMs: this.config.INGEST_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof FlushTimeoutError)) throw error;
      throw new ApiError(503, 'storage_unavailable', error.message, { 'retry-after': '5' }, { cause: error });
    }
    return { flushed: true, events_stored: this.bridge.localStats().events_stored };
  }

  /**
   * The events of a JSON array or NDJSON body; lines that are not JSON are
   * rejected here. `indexes` gives each value's position in the body when
   * some lines were rejected (else a value's position is its own).
   */
  private decode(body: unknown): {
    values: unknown[];
    indexes: number[] | undefined;
    rejected: IngestResult['rejected'];
  } {
    // An array is passed on as Fastify parsed it: no object per event.
    if (Array.isArray(body)) return { values: body as unknown[], indexes: undefined, rejected: [] };
    if (body instanceof NdjsonBody) {
      const values: unknown[] = [];
      const indexes: number[] = [];
      const rejected: IngestResult['rejected'] = [];
      body.lines.forEach((line, index) => {
        try {
          values.push(JSON.parse(line) as unknown);
          indexes.push(index);
        } catch (error) {
          rejected.push({
            index,
            reason: `(event): not JSON: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
      });
      return { values, indexes: rejected.length > 0 ? indexes : undefined, rejected };
    }
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        'Content-Type: send application/json (an array of events) or application/x-ndjson (one event per line)',
      );
    }
    throw new ApiError(
      400,
      'invalid_body',
      'body: must be a JSON array of events (Content-Type: application/json), or one JSON event per line (Content-Type: application/x-ndjson)',
    );
  }
}

/**
 * Events without event_id: one that has a timestamp gets an id hashed from
 * its content, so a client retrying the same body stores it once; one
 * without timestamp cannot be told apart from a later identical one, so it
 * gets a fresh id (the SDK always sends event ids).
 */
function fallbackId(value: unknown): string {
  if (typeof value !== 'object' || value === null || (value as { timestamp?: unknown }).timestamp === undefined)
    return uuidv7();
  return `http:${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 40)}`;
}

function reason(problems: EventProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.reason}`).join('; ');
}
