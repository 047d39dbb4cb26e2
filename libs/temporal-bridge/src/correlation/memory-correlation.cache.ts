import { LRUCache } from 'lru-cache';

import {
  DEFAULT_CORRELATION_TTL_SECONDS,
  resolveTrace,
  type CacheOp,
  type CacheResult,
  type CallRecord,
  type CorrelationCache,
} from './correlation-cache';

export interface MemoryCorrelationCacheOptions {
  /** Most calls and messages kept each; the least recently used go first. Default 500 000. */
  maxEntries?: number;
  ttlSeconds?: number;
}

/**
 * In-process correlation cache for standalone mode: bounded (LRU, with TTL),
 * so memory stays flat however many calls never exit.
 */
export class MemoryCorrelationCache implements CorrelationCache {
  private readonly calls: LRUCache<string, CallRecord>;
  private readonly messages: LRUCache<string, string>;

  constructor(options: MemoryCorrelationCacheOptions = {}) {
    const max = options.maxEntries ?? 500_000;
    const ttl = (options.ttlSeconds ?? DEFAULT_CORRELATION_TTL_SECONDS) * 1000;
    this.calls = new LRUCache({ max, ttl });
    this.messages = new LRUCache({ max, ttl });
  }

  async execute(ops: readonly CacheOp[]): Promise<CacheResult[]> {
    return ops.map((op) => this.apply(op));
  }

  async size(): Promise<number> {
    return this.calls.size + this.messages.size;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.calls.clear();
    this.messages.clear();
  }

  private apply(op: CacheOp): CacheResult {
    switch (op.op) {
      case 'open_call': {
        const parent = op.record.parentId === undefined ? undefined : this.calls.get(op.record.parentId);
        const traceId = resolveTrace(op.correlationId, op.record, parent);
        const record: CallRecord = { ...op.record };
        if (traceId !== undefined) record.traceId = traceId;
        this.calls.set(op.correlationId, record);
        return traceId ?? null;
      }
      case 'get_call':
        return this.calls.get(op.correlationId) ?? null;
      case 'put_message': {
        const first = this.messages.get(op.messageId);
        if (first !== undefined) return first;
        this.messages.set(op.messageId, op.eventId);
        return op.eventId;
      }
      case 'get_message':
        return this.messages.get(op.messageId) ?? null;
    }
  }
}
