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
 * Runs a chunk of a batch's steps, in order, inside Redis: one command per
 * chunk instead of one per step, so the Node side builds, writes and parses
 * a single command and reply (measured in bench/hotpath). Keys come in ARGV:
 * the parent's key is only known once its own step ran, and Redis Cluster is
 * not supported anyway (see the class comment).
 *
 * ARGV[1] is the TTL, then each step: a tag and its arguments:
 * - 'o' call key, parent key ('' = none), correlation id, entry ts, entry
 *   event id, ast node id, parent id, trace id ('' = absent): opens a call;
 *   its trace is the given one, else the parent's, else (no parent) its own
 *   id. Answers the trace ('' when unknown).
 * - 'g' call key: the call's hash as HGETALL answers it.
 * - 'p' message key, event id: keeps the first send; answers the event id already kept, or false.
 * - 'm' message key: the send's event id, or false.
 * Answers one result per step (false for none: a Lua table cannot hold nil).
 */
const BATCH_LUA = `
local ttl = ARGV[1]
local results = {}
local i = 2
local n = #ARGV
while i <= n do
  local tag = ARGV[i]
  if tag == 'o' then
    local key, parentKey, corr, ts, eid, ast, parent, trace =
      ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8]
    if trace == '' then
      if parent == '' then
        trace = corr
      else
        local parentTrace = redis.call('HGET', parentKey, 'trace')
        if parentTrace then trace = parentTrace end
      end
    end
    redis.call('DEL', key)
    local fields = { 'ts', ts, 'eid', eid }
    if ast ~= '' then table.insert(fields, 'ast'); table.insert(fields, ast) end
    if parent ~= '' then table.insert(fields, 'parent'); table.insert(fields, parent) end
    if trace ~= '' then table.insert(fields, 'trace'); table.insert(fields, trace) end
    redis.call('HSET', key, unpack(fields))
    redis.call('EXPIRE', key, ttl)
    results[#results + 1] = trace
    i = i + 9
  elseif tag == 'g' then
    results[#results + 1] = redis.call('HGETALL', ARGV[i + 1])
    i = i + 2
  elseif tag == 'p' then
    results[#results + 1] = redis.call('SET', ARGV[i + 1], ARGV[i + 2], 'EX', ttl, 'NX', 'GET')
    i = i + 3
  elseif tag == 'm' then
    results[#results + 1] = redis.call('GET', ARGV[i + 1])
    i = i + 2
  else
    return redis.error_reply('unknown step ' .. tostring(tag))
  end
end
return results
`;

/** Steps per script call: bounds how long one call holds Redis (a batch can be 10 000 events). */
const STEPS_PER_CALL = 1000;

/** Redis options that make an outage surface as failures (retried by the bridge), not as hangs. */
export const REDIS_CLIENT_DEFAULTS: RedisOptions = {
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  commandTimeout: 5_000,
  retryStrategy: (times) => Math.min(times * 100, 2_000),
};

type WithBatch = { tbBatch(...args: string[]): unknown };

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
    this.redis.defineCommand('tbBatch', { numberOfKeys: 0, lua: BATCH_LUA });
  }

  async execute(ops: readonly CacheOp[]): Promise<CacheResult[]> {
    if (ops.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (let from = 0; from < ops.length; from += STEPS_PER_CALL)
      (pipeline as unknown as WithBatch).tbBatch(
        ...this.stepArgs(ops, from, Math.min(ops.length, from + STEPS_PER_CALL)),
      );
    let replies: Array<[Error | null, unknown]> | null;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      throw new CorrelationCacheError(`redis pipeline failed: ${describe(error)}`, { cause: error });
    }
    if (replies === null || replies.length !== Math.ceil(ops.length / STEPS_PER_CALL)) {
      throw new CorrelationCacheError('redis pipeline was aborted');
    }
    const results = new Array<CacheResult>(ops.length);
    let index = 0;
    for (const [error, value] of replies) {
      if (error !== null)
        throw new CorrelationCacheError(`redis correlation step failed: ${error.message}`, { cause: error });
      if (!Array.isArray(value)) throw new CorrelationCacheError('redis correlation script answered no list');
      for (const answer of value as unknown[]) {
        results[index] = this.decode(ops[index]!, answer);
        index += 1;
      }
    }
    if (index !== ops.length)
      throw new CorrelationCacheError(`redis correlation script answered ${index} of ${ops.length} steps`);
    return results;
  }

  /** The script's arguments for ops[from, to). */
  private stepArgs(ops: readonly CacheOp[], from: number, to: number): string[] {
    const args = [this.ttl];
    for (let i = from; i < to; i += 1) {
      const op = ops[i]!;
      switch (op.op) {
        case 'open_call': {
          const r = op.record;
          args.push(
            'o',
            this.callKey(op.correlationId),
            r.parentId === undefined ? '' : this.callKey(r.parentId),
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
          args.push('g', this.callKey(op.correlationId));
          break;
        case 'put_message':
          // NX keeps the first send; GET answers it when one was already there.
          args.push('p', this.messageKey(op.messageId), op.eventId);
          break;
        case 'get_message':
          args.push('m', this.messageKey(op.messageId));
          break;
      }
    }
    return args;
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

/** A call's hash as the script answers HGETALL: a flat list of field, value. */
function toCallRecord(value: unknown): CallRecord | null {
  if (!Array.isArray(value)) return null;
  let ts: string | undefined;
  let eid: string | undefined;
  let ast: string | undefined;
  let parent: string | undefined;
  let trace: string | undefined;
  for (let i = 0; i + 1 < value.length; i += 2) {
    const field: unknown = value[i];
    const text: unknown = value[i + 1];
    if (typeof text !== 'string') continue;
    if (field === 'ts') ts = text;
    else if (field === 'eid') eid = text;
    else if (field === 'ast') ast = text;
    else if (field === 'parent') parent = text;
    else if (field === 'trace') trace = text;
  }
  if (ts === undefined || eid === undefined) return null;
  const record: CallRecord = { entryTimestamp: ts, entryEventId: eid };
  if (ast !== undefined) record.astNodeId = ast;
  if (parent !== undefined) record.parentId = parent;
  if (trace !== undefined) record.traceId = trace;
  return record;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
