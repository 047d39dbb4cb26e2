/**
 * What the bridge remembers between batches, and across replicas when the
 * adapter is Redis: the calls that are open (so an exit finds its own entry
 * even in a later batch or on another replica) and the messages sent (so a
 * receive finds its send).
 */
export interface CallRecord {
  /** Entry timestamp, decimal nanoseconds. */
  entryTimestamp: string;
  entryEventId: string;
  astNodeId?: string;
  parentId?: string;
  /** Resolved trace id, when the chain allowed it. */
  traceId?: string;
}

/** One step of a batch. Adapters run the steps in order, as one round trip. */
export type CacheOp =
  | {
      /**
       * Remember a call. Its trace is the given one, else its parent's
       * recorded trace, else (a call without parent is a root) its own id.
       * Answers the resolved trace id (or null when the parent is unknown).
       */
      op: 'open_call';
      correlationId: string;
      record: CallRecord;
    }
  | { op: 'get_call'; correlationId: string }
  /** Remember the first send of a message; answers the event id that holds it. */
  | { op: 'put_message'; messageId: string; eventId: string }
  | { op: 'get_message'; messageId: string };

export type CacheResult = string | CallRecord | null;

/** The port: Redis in a fleet, memory in standalone mode. */
export interface CorrelationCache {
  /** Runs the steps in order and answers one result per step. */
  execute(ops: readonly CacheOp[]): Promise<CacheResult[]>;
  /** Entries held (open calls and messages), for stats. */
  size(): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How long the cache keeps a call or a message (default one hour). */
export const DEFAULT_CORRELATION_TTL_SECONDS = 3600;

/** Resolve a new call's trace from what is known: the rule both adapters share. */
export function resolveTrace(
  correlationId: string,
  record: CallRecord,
  parent: Pick<CallRecord, 'traceId'> | undefined,
): string | undefined {
  if (record.traceId !== undefined) return record.traceId;
  if (record.parentId === undefined) return correlationId;
  return parent?.traceId;
}
