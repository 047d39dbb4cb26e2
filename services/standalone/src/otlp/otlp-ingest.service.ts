import { Inject, Injectable } from '@nestjs/common';
import type { WireEventInput } from '@temporal-bridge/event-schema';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  mapLogs,
  mapTraces,
  OtlpDecodeError,
  partialSuccessMessage,
  type RejectedItem,
} from '@temporal-bridge/otlp-ingest';
import { ApiError } from '@temporal-bridge/query';
import { FlushTimeoutError, TemporalBridge } from '@temporal-bridge/temporal-bridge';

import { STANDALONE_CONFIG } from '../app/tokens';
import type { StandaloneConfig } from '../config/standalone.config';
import { ProtobufBody } from './otlp-http.parsers';
import { OtlpMetrics, type OtlpSignalLabel } from './otlp.metrics';

/** Injection token of the OTLP counters. */
export const OTLP_METRICS = Symbol('OTLP_METRICS');

/** What an OTLP request came to: items stored, and those rejected with where and why. */
export interface OtlpIngestResult {
  accepted: number;
  rejected: RejectedItem[];
  /** partialSuccess.errorMessage ('' when nothing was rejected). */
  errorMessage: string;
}

/** Wire events ready for the bridge, with the item (span, log record) each came from. */
export interface MappedItems {
  events: WireEventInput[];
  itemOfEvent: number[];
  /** Where each mapped item was in the request. */
  items: string[];
  rejected: RejectedItem[];
}

/**
 * OTLP/HTTP ingest into the same bridge as /v1/events: decode, map to wire
 * events, submit, and answer only once the events are durably stored (a 2xx
 * means stored, as for /v1/events). A request with no room left in the
 * bridge's buffer is refused with 429 so that exporters back off instead of
 * piling up waiting requests.
 */
@Injectable()
export class OtlpIngestService {
  constructor(
    @Inject(TemporalBridge) private readonly bridge: TemporalBridge,
    @Inject(STANDALONE_CONFIG) private readonly config: StandaloneConfig,
    @Inject(OTLP_METRICS) private readonly metrics: OtlpMetrics,
  ) {}

  /** POST /v1/traces: `body` is a ProtobufBody or the parsed JSON. */
  async ingestTraces(body: unknown): Promise<OtlpIngestResult> {
    const mapped = this.decode('traces', () => {
      const decoded = body instanceof ProtobufBody ? decodeTracesProtobuf(body.bytes) : decodeTracesJson(body);
      const traces = mapTraces(decoded, { maxDataBytes: this.config.MAX_EVENT_DATA_BYTES });
      return { events: traces.events, itemOfEvent: traces.spanOfEvent, items: traces.spans, rejected: traces.rejected };
    });
    return this.store('traces', mapped);
  }

  /** POST /v1/logs: log records become log events, linked to their span's call by span id. */
  async ingestLogs(body: unknown): Promise<OtlpIngestResult> {
    const mapped = this.decode('logs', () => {
      const decoded = body instanceof ProtobufBody ? decodeLogsProtobuf(body.bytes) : decodeLogsJson(body);
      const logs = mapLogs(decoded, { maxDataBytes: this.config.MAX_EVENT_DATA_BYTES });
      return {
        events: logs.events,
        itemOfEvent: logs.events.map((_, i) => i),
        items: logs.records,
        rejected: logs.rejected,
      };
    });
    return this.store('logs', mapped);
  }

  /** Decodes and maps; an undecodable body is 400 with the decoder's reason. */
  decode(signal: OtlpSignalLabel, read: () => MappedItems): MappedItems {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      this.metrics.requestsRefused.inc({ signal, reason: 'undecodable' });
      throw new ApiError(400, 'invalid_body', error.message, {}, { cause: error });
    }
  }

  /** Submits the mapped events and waits until they are stored. */
  async store(signal: OtlpSignalLabel, mapped: MappedItems): Promise<OtlpIngestResult> {
    const { events } = mapped;
    if (events.length > this.config.INGEST_MAX_EVENTS) {
      this.metrics.requestsRefused.inc({ signal, reason: 'too_large' });
      throw new ApiError(
        413,
        'payload_too_large',
        `body: maps to ${events.length} events (${mapped.items.length} items), above INGEST_MAX_EVENTS (${this.config.INGEST_MAX_EVENTS}); send smaller batches (the SDK's maxExportBatchSize)`,
      );
    }
    this.refuseWhenFull(signal, events.length);
    const rejected = [...mapped.rejected];
    // One deadline for every wait of the request (buffer space, then storage), as for /v1/events.
    const started = Date.now();
    const timeoutMs = this.config.INGEST_TIMEOUT_MS;
    const refused: Array<{ index: number; reason: string }> = [];
    if (events.length > 0) {
      const result = await this.submit(signal, events, timeoutMs, refused);
      rejected.push(...this.bridgeRejections(signal, mapped, result.rejected));
      await this.waitStored(signal, result.ticket, Math.max(1, timeoutMs - (Date.now() - started)));
      this.metrics.eventsAccepted.inc({ signal }, result.accepted.length - refused.length);
      rejected.push(...this.storageRejections(signal, mapped, refused, rejected));
    }
    for (const item of rejected) this.metrics.itemsRejected.inc({ signal, reason: item.code });
    const accepted = mapped.items.length - (rejected.length - mapped.rejected.length);
    this.metrics.itemsAccepted.inc({ signal }, accepted);
    return { accepted, rejected, errorMessage: partialSuccessMessage(rejected) };
  }

  /** Submits with a deadline on the wait for buffer space: past it nothing of the request is buffered (503). */
  private async submit(
    signal: OtlpSignalLabel,
    events: MappedItems['events'],
    timeoutMs: number,
    refused: Array<{ index: number; reason: string }>,
  ): Promise<Awaited<ReturnType<TemporalBridge['submit']>>> {
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      return await this.bridge.submit(events, {
        signal: deadline,
        // Events ClickHouse itself refuses are isolated by the flusher and reported here.
        onStorageReject: (rejects) => {
          for (const { index, reason } of rejects) refused.push({ index, reason });
        },
      });
    } catch (error) {
      if (!deadline.aborted) throw error;
      this.metrics.requestsRefused.inc({ signal, reason: 'storage_timeout' });
      throw new ApiError(
        503,
        'storage_unavailable',
        `none of the request was accepted: the buffer stayed full for ${timeoutMs} ms (INGEST_TIMEOUT_MS; storage is failing or behind); send it again later`,
        { 'retry-after': '5' },
        { cause: error },
      );
    }
  }

  /** Items with an event ClickHouse refused; one entry per item, none for items already rejected. */
  private storageRejections(
    signal: OtlpSignalLabel,
    mapped: MappedItems,
    refused: Array<{ index: number; reason: string }>,
    already: RejectedItem[],
  ): RejectedItem[] {
    const seen = new Set(already.map((item) => item.at));
    const out: RejectedItem[] = [];
    for (const { index, reason } of refused) {
      this.metrics.eventsRejected.inc({ signal, reason: 'rejected_by_storage' });
      const at = mapped.items[mapped.itemOfEvent[index]!]!;
      if (seen.has(at)) continue;
      seen.add(at);
      out.push({ at, code: 'rejected_by_storage', message: `ClickHouse refused an event: ${reason}` });
    }
    return out;
  }

  /**
   * Events the bridge refused (its own checks: timestamps within the
   * retention window and clock-skew allowance, ...), reported by item.
   */
  private bridgeRejections(
    signal: OtlpSignalLabel,
    mapped: MappedItems,
    refused: Array<{ index: number; problems: Array<{ field: string; reason: string }> }>,
  ): RejectedItem[] {
    const byItem = new Map<number, string>();
    for (const { index, problems } of refused) {
      this.metrics.eventsRejected.inc({ signal, reason: 'rejected_by_bridge' });
      const item = mapped.itemOfEvent[index]!;
      if (!byItem.has(item)) byItem.set(item, problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
    }
    return [...byItem].map(([item, message]) => ({
      at: mapped.items[item]!,
      code: 'rejected_by_bridge' as const,
      message,
    }));
  }

  private refuseWhenFull(signal: OtlpSignalLabel, count: number): void {
    const stats = this.bridge.localStats();
    if (stats.events_buffered + count <= stats.config.max_buffered_events) return;
    if (count > stats.config.max_buffered_events) {
      // Never fits, however long the client waits: not a reason to retry.
      this.metrics.requestsRefused.inc({ signal, reason: 'too_large' });
      throw new ApiError(
        413,
        'payload_too_large',
        `body: maps to ${count} events, more than the bridge buffer holds (MAX_BUFFERED_EVENTS ${stats.config.max_buffered_events}); send smaller batches`,
      );
    }
    this.metrics.requestsRefused.inc({ signal, reason: 'backpressure' });
    throw new ApiError(
      stats.retrying ? 503 : 429,
      stats.retrying ? 'storage_unavailable' : 'too_many_requests',
      stats.retrying
        ? `storage is failing (${stats.last_flush_error ?? 'unknown error'}) and the buffer is full; retry later`
        : `the bridge buffer is full (${stats.events_buffered} of ${stats.config.max_buffered_events} events); retry later`,
      { 'retry-after': stats.retrying ? '5' : '1' },
    );
  }

  private async waitStored(signal: OtlpSignalLabel, ticket: number, timeoutMs: number): Promise<void> {
    try {
      await this.bridge.waitUntilStored(ticket, { timeoutMs });
    } catch (error) {
      if (!(error instanceof FlushTimeoutError)) throw error;
      this.metrics.requestsRefused.inc({ signal, reason: 'storage_timeout' });
      throw new ApiError(
        503,
        'storage_unavailable',
        `the events were not stored within ${this.config.INGEST_TIMEOUT_MS} ms (INGEST_TIMEOUT_MS; storage is failing or behind); they are kept and will be stored once storage is back, and sending the same request again is safe (event ids derive from trace and span ids)`,
        { 'retry-after': '5' },
        { cause: error },
      );
    }
  }
}
