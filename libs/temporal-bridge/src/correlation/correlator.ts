import type { TemporalEvent } from '@temporal-bridge/event-schema';
import { QueryTimeoutError, StorageUnavailableError, type StoredCall } from '@temporal-bridge/temporal-storage';

import type { CacheOp, CacheResult, CallRecord, CorrelationCache } from './correlation-cache';

/** Where the correlator finds calls the cache lost: their stored entries (TemporalStorage.findCalls). */
export interface CallLookup {
  findCalls(correlationIds: readonly string[]): Promise<Map<string, StoredCall>>;
}

/** What recovery from storage did for one batch (only reported when the cache missed something). */
export interface RecoveryReport {
  /** Events enriched from storage: a child's trace id, an exit's duration. */
  recovered: number;
  /** Calls looked up and not found (never entered, or expired): those events stay without. */
  unrecovered: string[];
}

/** Ids per lookup query: a batch after a restart can miss thousands. */
const LOOKUP_CHUNK = 1000;

type Fill = 'trace' | 'call' | 'link';

/** Which event each cache step fills, and how: two arrays, not an object per step. */
interface Plan {
  events: number[];
  fills: Fill[];
}

/**
 * Correlates a batch in one cache round trip, in event order, so that an
 * entry earlier in the batch is visible to its exit and children later in it.
 *
 * - function_entry: the call is remembered; a missing trace_id comes from the
 *   parent's call (a call without parent is its own trace root).
 * - function_exit: paired with its own entry (same correlation_id): duration,
 *   and missing trace/parent/ast node filled from the entry.
 * - message_send: remembered by data.message_id; message_receive gets
 *   linked_event_id, the event_id of that send.
 * - any other event missing trace_id or parent_id takes them from its call.
 *
 * Events are copied, never mutated. When the cache misses what an entry's
 * parent or an exit's own entry needs (Redis lost its state, standalone
 * restarted, the entry expired), the stored entries are looked up in one
 * query per batch (CallLookup), the events enriched from them and the cache
 * filled again; what storage does not hold either is left absent and
 * reported: storage queries pair calls by correlation_id themselves,
 * enrichment only adds to them.
 */
export class Correlator {
  /** Totals since start, for stats. */
  readonly recovery = { recovered: 0, unrecovered: 0 };

  constructor(
    private readonly cache: CorrelationCache,
    private readonly lookup?: CallLookup,
    private readonly onRecovery?: (report: RecoveryReport) => void,
  ) {}

  async correlate(events: readonly TemporalEvent[]): Promise<TemporalEvent[]> {
    const ops: CacheOp[] = [];
    // Step i of the batch fills event plan.events[i] as plan.fills[i] says.
    const plan: Plan = { events: [], fills: [] };
    for (let index = 0; index < events.length; index += 1) addOps(events[index]!, index, ops, plan);
    const results = ops.length === 0 ? [] : await this.cache.execute(ops);
    const enriched = events.map(copyEvent);
    for (let i = 0; i < plan.events.length; i += 1)
      apply(enriched[plan.events[i]!]!, plan.fills[i]!, results[i] ?? null);
    if (this.lookup !== undefined) await this.recover(enriched, plan, results, this.lookup);
    return enriched;
  }

  /**
   * Misses that storage can answer: an entry whose parent the cache does not
   * know (its trace id), an exit whose entry it does not know (duration,
   * trace, node). Other events need nothing that is worth a query.
   */
  private async recover(
    enriched: TemporalEvent[],
    plan: Plan,
    results: readonly CacheResult[],
    lookup: CallLookup,
  ): Promise<void> {
    const wanted: Array<{ event: number; id: string; as: 'parent' | 'own' }> = [];
    for (let i = 0; i < plan.events.length; i += 1) {
      if ((results[i] ?? null) !== null) continue;
      const event = plan.events[i]!;
      const fill = plan.fills[i]!;
      const e = enriched[event]!;
      if (fill === 'trace' && e.parent_id !== undefined && e.trace_id === undefined)
        wanted.push({ event, id: e.parent_id, as: 'parent' });
      else if (fill === 'call' && e.event_type === 'function_exit')
        wanted.push({ event, id: e.correlation_id, as: 'own' });
    }
    if (wanted.length === 0) return;
    // Calls entered in this very batch are not stored yet: their traces come from batchTraces below.
    const enteredHere = new Set(enriched.filter((e) => e.event_type === 'function_entry').map((e) => e.correlation_id));
    const ids = [...new Set(wanted.map((w) => w.id))].filter((id) => !enteredHere.has(id));
    const found = new Map<string, StoredCall>();
    try {
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK)
        for (const [id, call] of await lookup.findCalls(ids.slice(i, i + LOOKUP_CHUNK))) found.set(id, call);
    } catch (error) {
      // Storage down: the batch fails and is retried (its insert would fail too), recovery with it.
      if (error instanceof StorageUnavailableError || error instanceof QueryTimeoutError) throw error;
      found.clear();
    }
    const refill: CacheOp[] = [];
    let recovered = 0;
    // Traces recovered for entries of this very batch, for their children later in it.
    const batchTraces = new Map<string, string>();
    const missed = new Set<string>();
    for (const { event, id, as } of wanted) {
      const call = found.get(id);
      const e = enriched[event]!;
      if (as === 'own') {
        if (call === undefined) missed.add(id);
        else {
          apply(e, 'call', toRecord(call));
          recovered += 1;
        }
        continue;
      }
      const traceId = batchTraces.get(id) ?? (call === undefined ? undefined : toRecord(call).traceId);
      if (traceId === undefined) {
        missed.add(id);
        continue;
      }
      e.trace_id ??= traceId;
      batchTraces.set(e.correlation_id, traceId);
      recovered += 1;
      // The child's own record was cached without a trace: its children need it.
      refill.push({
        op: 'open_call',
        correlationId: e.correlation_id,
        record: { ...entryRecord(e), traceId: e.trace_id },
      });
    }
    for (const call of found.values())
      refill.unshift({ op: 'open_call', correlationId: call.correlation_id, record: toRecord(call) });
    // The other events of those calls in this batch (an exit, a state change) found their call
    // cached without a trace: give them the one just recovered.
    if (batchTraces.size > 0)
      for (const e of enriched) if (e.trace_id === undefined) e.trace_id = batchTraces.get(e.correlation_id);
    const unrecovered = [...missed];
    this.recovery.recovered += recovered;
    this.recovery.unrecovered += unrecovered.length;
    this.onRecovery?.({ recovered, unrecovered });
    // Best effort: a cache that fails now will miss again, and recovery runs again.
    if (refill.length > 0) await this.cache.execute(refill).catch(() => undefined);
  }
}

/** A stored entry as the cache keeps it; a root's trace is itself, as resolveTrace says. */
function toRecord(call: StoredCall): CallRecord {
  const record: CallRecord = { entryTimestamp: call.entry_timestamp.toString(), entryEventId: call.entry_event_id };
  if (call.ast_node_id !== undefined) record.astNodeId = call.ast_node_id;
  if (call.parent_id !== undefined) record.parentId = call.parent_id;
  const traceId = call.trace_id ?? (call.parent_id === undefined ? call.correlation_id : undefined);
  if (traceId !== undefined) record.traceId = traceId;
  return record;
}

function entryRecord(event: TemporalEvent): CallRecord {
  const record: CallRecord = { entryTimestamp: event.timestamp.toString(), entryEventId: event.event_id };
  if (event.ast_node_id !== undefined) record.astNodeId = event.ast_node_id;
  if (event.parent_id !== undefined) record.parentId = event.parent_id;
  if (event.trace_id !== undefined) record.traceId = event.trace_id;
  return record;
}

/** The cache steps `event` (at `index` in its batch) needs, appended to `ops` and `plan`. */
function addOps(event: TemporalEvent, index: number, ops: CacheOp[], plan: Plan): void {
  // event_type is open-ended (any matching string is valid): only the
  // well-known types below need the cache.
  const type: string = event.event_type;
  switch (type) {
    case 'function_entry':
      addStep(
        ops,
        plan,
        index,
        { op: 'open_call', correlationId: event.correlation_id, record: entryRecord(event) },
        'trace',
      );
      return;
    case 'function_exit':
      addStep(ops, plan, index, { op: 'get_call', correlationId: event.correlation_id }, 'call');
      return;
    case 'message_send':
      addStep(ops, plan, index, { op: 'put_message', messageId: messageId(event), eventId: event.event_id }, 'link');
      break;
    case 'message_receive':
      addStep(ops, plan, index, { op: 'get_message', messageId: messageId(event) }, 'link');
      break;
    default:
      break;
  }
  if (event.trace_id === undefined || event.parent_id === undefined)
    addStep(ops, plan, index, { op: 'get_call', correlationId: event.correlation_id }, 'call');
}

function addStep(ops: CacheOp[], plan: Plan, index: number, op: CacheOp, fill: Fill): void {
  ops.push(op);
  plan.events.push(index);
  plan.fills.push(fill);
}

/**
 * A shallow copy of a parsed event (its data object is shared, never
 * changed). Written out rather than spread: one object shape for every
 * event, measured cheaper than `{ ...event }` on the mixed shapes a batch has.
 */
function copyEvent(event: TemporalEvent): TemporalEvent {
  const { parent_id, trace_id, ast_node_id, service, instance, seq, data } = event;
  // An SDK event has every field but the two the bridge derives: one literal
  // makes it whole (same keys, same order), no property store grown by adds.
  if (
    parent_id !== undefined &&
    trace_id !== undefined &&
    ast_node_id !== undefined &&
    service !== undefined &&
    instance !== undefined &&
    seq !== undefined &&
    data !== undefined &&
    event.duration_ns === undefined &&
    event.linked_event_id === undefined
  )
    return {
      event_id: event.event_id,
      timestamp: event.timestamp,
      event_type: event.event_type,
      correlation_id: event.correlation_id,
      timestamp_inferred: event.timestamp_inferred,
      parent_id,
      trace_id,
      ast_node_id,
      service,
      instance,
      seq,
      data,
    };
  const copy: TemporalEvent = {
    event_id: event.event_id,
    timestamp: event.timestamp,
    event_type: event.event_type,
    correlation_id: event.correlation_id,
    timestamp_inferred: event.timestamp_inferred,
  };
  if (event.parent_id !== undefined) copy.parent_id = event.parent_id;
  if (event.trace_id !== undefined) copy.trace_id = event.trace_id;
  if (event.ast_node_id !== undefined) copy.ast_node_id = event.ast_node_id;
  if (event.service !== undefined) copy.service = event.service;
  if (event.instance !== undefined) copy.instance = event.instance;
  if (event.seq !== undefined) copy.seq = event.seq;
  if (event.data !== undefined) copy.data = event.data;
  if (event.duration_ns !== undefined) copy.duration_ns = event.duration_ns;
  if (event.linked_event_id !== undefined) copy.linked_event_id = event.linked_event_id;
  return copy;
}

function apply(event: TemporalEvent, fill: Fill, result: CacheResult): void {
  if (result === null) return;
  switch (fill) {
    case 'trace':
      if (typeof result === 'string') event.trace_id ??= result;
      return;
    case 'link':
      // A send answers the first send's id: only a receive links.
      if (typeof result === 'string' && event.event_type === 'message_receive') event.linked_event_id = result;
      return;
    case 'call': {
      if (typeof result === 'string') return;
      if (result.traceId !== undefined) event.trace_id ??= result.traceId;
      if (result.parentId !== undefined) event.parent_id ??= result.parentId;
      if (event.event_type === 'function_exit') {
        if (result.astNodeId !== undefined) event.ast_node_id ??= result.astNodeId;
        const duration = event.timestamp - BigInt(result.entryTimestamp);
        // A negative duration means clocks disagree; better none than a wrong one.
        if (duration >= 0n) event.duration_ns = duration;
      }
      return;
    }
  }
}

/** parseEvent guarantees data.message_id on message events. */
function messageId(event: TemporalEvent): string {
  const id = event.data?.['message_id'];
  return typeof id === 'string' ? id : '';
}
