import { Redis, type RedisOptions } from 'ioredis';

import { CorrelationCacheError } from '../errors';
import {
  DEFAULT_CORRELATION_TTL_SECONDS,
  type CacheOp,
  type CacheResult,
  type CallRecord,
  type CorrelationCache,
} from './correlation-cache';

export interface RedisCorrelationCacheOptions {
  /** A client to use (not closed by the cache), or a URL to connect to (redis:// or rediss://). */
  redis: Redis | string;
  /** Prefix of every key (default `tb:`), so several deployments can share one Redis. */
  keyPrefix?: string;
  ttlSeconds?: number;
}

/**
 * Opens a call. Runs inside Redis so that resolving the trace from the parent
 * and recording the call cost no extra round trip, and so that a parent
 * opened earlier in the same pipeline is already visible.
 * KEYS: call key, parent call key. ARGV: ttl, correlation id, entry ts,
 * entry event id, ast node id, parent id, trace id ('' = absent).
 */
const OPEN_CALL_LUA = `
local trace = ARGV[7]
if trace == '' then
  if ARGV[6] == '' then
    trace = ARGV[2]
  else
    local parentTrace = redis.call('HGET', KEYS[2], 'trace')
    if parentTrace then trace = parentTrace end
  end
end
redis.call('DEL', KEYS[1])
local fields = { 'ts', ARGV[3], 'eid', ARGV[4] }
if ARGV[5] ~= '' then table.insert(fields, 'ast'); table.insert(fields, ARGV[5]) end
if ARGV[6] ~= '' then table.insert(fields, 'parent'); table.insert(fields, ARGV[6]) end
if trace ~= '' then table.insert(fields, 'trace'); table.insert(fields, trace) end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return trace
`;

/** Redis options that make an outage surface as failures (retried by the bridge), not as hangs. */
export const REDIS_CLIENT_DEFAULTS: RedisOptions = {
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  commandTimeout: 5_000,
  retryStrategy: (times) => Math.min(times * 100, 2_000),
};

type WithOpenCall = { tbOpenCall(callKey: string, parentKey: string, ...args: string[]): unknown };

/**
 * Correlation state in Redis, shared by every bridge replica: a batch costs
 * one pipelined round trip whatever its size. Calls are hashes
 * `<prefix>call:<correlation_id>`, messages strings `<prefix>msg:<message_id>`,
 * all with a TTL so the cache stays bounded.
 *
 * Needs a single Redis (or a primary behind Sentinel): the open-call script
 * reads the parent's key, which Redis Cluster would place on another slot.
 */
export class RedisCorrelationCache implements CorrelationCache {
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly ttl: string;

  constructor(options: RedisCorrelationCacheOptions) {
    this.ownsClient = typeof options.redis === 'string';
    this.redis = typeof options.redis === 'string' ? new Redis(options.redis, REDIS_CLIENT_DEFAULTS) : options.redis;
    if (this.ownsClient) this.redis.on('error', () => undefined); // surfaced per command instead
    this.prefix = options.keyPrefix ?? 'tb:';
    this.ttl = String(options.ttlSeconds ?? DEFAULT_CORRELATION_TTL_SECONDS);
    this.redis.defineCommand('tbOpenCall', { numberOfKeys: 2, lua: OPEN_CALL_LUA });
  }

  async execute(ops: readonly CacheOp[]): Promise<CacheResult[]> {
    if (ops.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const op of ops) {
      switch (op.op) {
        case 'open_call': {
          const r = op.record;
          const callKey = this.callKey(op.correlationId);
          const parentKey = r.parentId === undefined ? callKey : this.callKey(r.parentId);
          (pipeline as unknown as WithOpenCall).tbOpenCall(
            callKey,
            parentKey,
            this.ttl,
            op.correlationId,
            r.entryTimestamp,
            r.entryEventId,
            r.astNodeId ?? '',
            r.parentId ?? '',
            r.traceId ?? '',
          );
          break;
        }
        case 'get_call':
          pipeline.hgetall(this.callKey(op.correlationId));
          break;
        case 'put_message':
          // NX keeps the first send; GET answers it when one was already there.
          pipeline.set(this.messageKey(op.messageId), op.eventId, 'EX', Number(this.ttl), 'NX', 'GET');
          break;
        case 'get_message':
          pipeline.get(this.messageKey(op.messageId));
          break;
      }
    }
    let replies: Array<[Error | null, unknown]> | null;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      throw new CorrelationCacheError(`redis pipeline failed: ${describe(error)}`, { cause: error });
    }
    if (replies === null || replies.length !== ops.length) {
      throw new CorrelationCacheError('redis pipeline was aborted');
    }
    return replies.map(([error, value], index) => {
      if (error !== null)
        throw new CorrelationCacheError(`redis ${ops[index]!.op} failed: ${error.message}`, { cause: error });
      return this.decode(ops[index]!, value);
    });
  }

  /**
   * Keys under this cache's prefix. Counted with SCAN (never KEYS) and capped
   * at 1 000 000 scanned keys, so a stats call cannot stall Redis.
   */
  async size(): Promise<number> {
    let cursor = '0';
    let count = 0;
    let scanned = 0;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      cursor = next;
      count += keys.length;
      scanned += 1000;
    } while (cursor !== '0' && scanned < 1_000_000);
    return count;
  }

  async ping(): Promise<void> {
    try {
      await this.redis.ping();
    } catch (error) {
      throw new CorrelationCacheError(`redis does not answer: ${describe(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.redis.disconnect();
  }

  private callKey(correlationId: string): string {
    return `${this.prefix}call:${correlationId}`;
  }

  private messageKey(messageId: string): string {
    return `${this.prefix}msg:${messageId}`;
  }

  private decode(op: CacheOp, value: unknown): CacheResult {
    switch (op.op) {
      case 'open_call':
        return typeof value === 'string' && value !== '' ? value : null;
      case 'get_call':
        return toCallRecord(value);
      case 'put_message':
        return typeof value === 'string' ? value : op.eventId;
      case 'get_message':
        return typeof value === 'string' ? value : null;
    }
  }
}

function toCallRecord(value: unknown): CallRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const hash = value as Record<string, string>;
  if (hash['ts'] === undefined || hash['eid'] === undefined) return null;
  const record: CallRecord = { entryTimestamp: hash['ts'], entryEventId: hash['eid'] };
  if (hash['ast'] !== undefined) record.astNodeId = hash['ast'];
  if (hash['parent'] !== undefined) record.parentId = hash['parent'];
  if (hash['trace'] !== undefined) record.traceId = hash['trace'];
  return record;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
