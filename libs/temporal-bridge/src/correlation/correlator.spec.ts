import type { TemporalEvent } from '@temporal-bridge/event-schema';
import { describe, expect, it } from 'vitest';

import { Correlator } from './correlator';
import { MemoryCorrelationCache } from './memory-correlation.cache';

let n = 0;
function ev(
  event_type: string,
  correlation_id: string,
  timestamp: bigint,
  extra: Partial<TemporalEvent> = {},
): TemporalEvent {
  n += 1;
  return { event_id: `e${n}`, event_type, correlation_id, timestamp, timestamp_inferred: false, ...extra };
}

describe('Correlator', () => {
  it('pairs an exit with its entry from an earlier batch: duration, trace, ast node', async () => {
    const correlator = new Correlator(new MemoryCorrelationCache());
    await correlator.correlate([ev('function_entry', 'c1', 1_000n, { ast_node_id: 'n1', trace_id: 'T' })]);
    const [exit] = await correlator.correlate([ev('function_exit', 'c1', 1_750n)]);
    expect(exit).toMatchObject({ duration_ns: 750n, trace_id: 'T', ast_node_id: 'n1' });
  });

  it('never pairs an exit with another call’s entry', async () => {
    const correlator = new Correlator(new MemoryCorrelationCache());
    const out = await correlator.correlate([
      ev('function_entry', 'a', 100n),
      ev('function_entry', 'b', 200n),
      ev('function_exit', 'a', 1_000n),
      ev('function_exit', 'b', 250n),
      ev('function_exit', 'unknown', 300n),
    ]);
    expect(out.map((e) => e.duration_ns)).toEqual([undefined, undefined, 900n, 50n, undefined]);
  });

  it('fills trace_id and parent_id from the parent chain, within one batch', async () => {
    const correlator = new Correlator(new MemoryCorrelationCache());
    const out = await correlator.correlate([
      ev('function_entry', 'root', 1n),
      ev('function_entry', 'child', 2n, { parent_id: 'root' }),
      ev('state_change', 'child', 3n, { data: { state: { k: 1 } } }),
      ev('function_entry', 'grandchild', 4n, { parent_id: 'child' }),
    ]);
    expect(out.map((e) => [e.trace_id, e.parent_id])).toEqual([
      ['root', undefined],
      ['root', 'root'],
      ['root', 'root'],
      ['root', 'child'],
    ]);
  });

  it('keeps what producers set', async () => {
    const correlator = new Correlator(new MemoryCorrelationCache());
    await correlator.correlate([ev('function_entry', 'c', 1n, { trace_id: 'T1', parent_id: 'p' })]);
    const [exit] = await correlator.correlate([ev('function_exit', 'c', 5n, { trace_id: 'T2', ast_node_id: 'own' })]);
    expect(exit).toMatchObject({ trace_id: 'T2', ast_node_id: 'own', parent_id: 'p', duration_ns: 4n });
  });

  it('links a message_receive to its message_send by message_id', async () => {
    const correlator = new Correlator(new MemoryCorrelationCache());
    const [send] = await correlator.correlate([ev('message_send', 'a', 1n, { data: { message_id: 'm-1' } })]);
    const [receive, stray] = await correlator.correlate([
      ev('message_receive', 'b', 2n, { data: { message_id: 'm-1' } }),
      ev('message_receive', 'b', 3n, { data: { message_id: 'm-2' } }),
    ]);
    expect(receive?.linked_event_id).toBe(send?.event_id);
    expect(stray?.linked_event_id).toBeUndefined();
    expect(send?.linked_event_id).toBeUndefined();
  });

  it('leaves a negative duration out (clocks that disagree)', async () => {
    const correlator = new Correlator(new MemoryCorrelationCache());
    const [, exit] = await correlator.correlate([ev('function_entry', 'c', 100n), ev('function_exit', 'c', 50n)]);
    expect(exit?.duration_ns).toBeUndefined();
  });

  it('copies events, never mutating its input', async () => {
    const correlator = new Correlator(new MemoryCorrelationCache());
    const input = [ev('function_entry', 'c', 1n)];
    const [out] = await correlator.correlate(input);
    expect(out?.trace_id).toBe('c');
    expect(input[0]?.trace_id).toBeUndefined();
  });
});
