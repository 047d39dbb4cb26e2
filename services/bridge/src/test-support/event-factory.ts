import { uuidv7 } from '@temporal-bridge/event-schema';

import type { Produced } from './bridge-harness';

/** A recent base time: rows far in the past would fall to the retention TTL. */
export const BASE_NS = BigInt(Date.now() - 600_000) * 1_000_000n;

export interface GeneratedCalls {
  messages: Produced[];
  eventIds: string[];
}

/**
 * `count` calls, each a function_entry and a function_exit 1 ms apart with
 * producer-assigned ids, keyed by trace id as the SDK publishes them. With
 * `splitExit` the exit goes to another partition than its entry, so that
 * with two replicas the pairing must go through Redis.
 */
export function calls(
  count: number,
  options: { tag: string; partitions?: number; splitExit?: boolean },
): GeneratedCalls {
  const messages: Produced[] = [];
  const eventIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const correlation_id = `${options.tag}-call-${i}`;
    const t = BASE_NS + BigInt(i) * 10_000_000n;
    const entry = {
      event_id: uuidv7(),
      event_type: 'function_entry',
      correlation_id,
      trace_id: correlation_id,
      ast_node_id: `node-${i % 7}`,
      timestamp: t.toString(),
      data: { module: 'orders', function: 'place' },
    };
    const exit = {
      event_id: uuidv7(),
      event_type: 'function_exit',
      correlation_id,
      trace_id: correlation_id,
      timestamp: (t + 1_000_000n).toString(),
      data: { result: i },
    };
    const partitions = options.partitions ?? 4;
    const entryPartition = i % partitions;
    messages.push({
      key: correlation_id,
      value: JSON.stringify(entry),
      ...(options.splitExit === true ? { partition: entryPartition } : {}),
    });
    messages.push({
      key: correlation_id,
      value: JSON.stringify(exit),
      ...(options.splitExit === true ? { partition: (entryPartition + 1) % partitions } : {}),
    });
    eventIds.push(entry.event_id, exit.event_id);
  }
  return { messages, eventIds };
}
