import type { TemporalEvent } from '@temporal-bridge/event-schema';

import type { CacheOp, CacheResult, CallRecord, CorrelationCache } from './correlation-cache';

type Fill = 'trace' | 'call' | 'link';

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
 * Events are copied, never mutated. What the cache cannot resolve (an entry
 * that expired or never came) is left absent: storage queries pair calls by
 * correlation_id themselves, enrichment only adds to them.
 */
export class Correlator {
  constructor(private readonly cache: CorrelationCache) {}

  async correlate(events: readonly TemporalEvent[]): Promise<TemporalEvent[]> {
    const ops: CacheOp[] = [];
    const plan: Array<{ event: number; fill: Fill }> = [];
    events.forEach((event, index) => {
      for (const op of opsFor(event)) {
        ops.push(op.op);
        plan.push({ event: index, fill: op.fill });
      }
    });
    const results = ops.length === 0 ? [] : await this.cache.execute(ops);
    const enriched = events.map((event) => ({ ...event }));
    plan.forEach(({ event, fill }, i) => apply(enriched[event]!, fill, results[i] ?? null));
    return enriched;
  }
}

function opsFor(event: TemporalEvent): Array<{ op: CacheOp; fill: Fill }> {
  const out: Array<{ op: CacheOp; fill: Fill }> = [];
  const getCall = { op: { op: 'get_call', correlationId: event.correlation_id } as CacheOp, fill: 'call' as const };
  // event_type is open-ended (any matching string is valid): only the
  // well-known types below need the cache.
  const type: string = event.event_type;
  switch (type) {
    case 'function_entry': {
      const record: CallRecord = { entryTimestamp: event.timestamp.toString(), entryEventId: event.event_id };
      if (event.ast_node_id !== undefined) record.astNodeId = event.ast_node_id;
      if (event.parent_id !== undefined) record.parentId = event.parent_id;
      if (event.trace_id !== undefined) record.traceId = event.trace_id;
      out.push({ op: { op: 'open_call', correlationId: event.correlation_id, record }, fill: 'trace' });
      return out;
    }
    case 'function_exit':
      out.push(getCall);
      return out;
    case 'message_send':
      out.push({ op: { op: 'put_message', messageId: messageId(event), eventId: event.event_id }, fill: 'link' });
      break;
    case 'message_receive':
      out.push({ op: { op: 'get_message', messageId: messageId(event) }, fill: 'link' });
      break;
    default:
      break;
  }
  if (event.trace_id === undefined || event.parent_id === undefined) out.push(getCall);
  return out;
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
