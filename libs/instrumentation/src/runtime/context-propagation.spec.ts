import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { afterEach, describe, expect, it } from 'vitest';

import { assertAllValid } from '../__fixtures__/collecting-transport';
import { testRuntime } from '../__fixtures__/test-runtime';
import type { InstrumentationRuntime } from './instrumentation-runtime';

/** Emitted events, checked against the bridge's parser. */
async function flushed(runtime: InstrumentationRuntime, events: () => SerializedEvent[]): Promise<SerializedEvent[]> {
  expect(await runtime.flush(2_000)).toEqual({ ok: true, unsent: 0 });
  assertAllValid(events());
  return events();
}

/** The state_change event that set `key`. */
function stateEvent(events: SerializedEvent[], key: string): SerializedEvent {
  const found = events.find((e) => e.event_type === 'state_change' && key in (e.data?.['state'] as object));
  if (found === undefined) throw new Error(`no state_change for ${key}`);
  return found;
}

function entryOf(events: SerializedEvent[], astNodeId: string): SerializedEvent {
  const found = events.find((e) => e.event_type === 'function_entry' && e.ast_node_id === astNodeId);
  if (found === undefined) throw new Error(`no entry for ${astNodeId}`);
  return found;
}

describe('call context propagation', () => {
  const { runtime, transport } = testRuntime();
  const events = (): SerializedEvent[] => transport.events;

  afterEach(() => {
    transport.batches.length = 0;
  });

  it('nests: each call gets a new correlation id, its parent is the caller, its trace the root', async () => {
    runtime.traced('outer', () => {
      runtime.stateChange({ in_outer: 1 });
      runtime.traced('middle', () => runtime.traced('inner', () => runtime.stateChange({ in_inner: 1 })));
    });
    const all = await flushed(runtime, events);
    const [outer, middle, inner] = ['outer', 'middle', 'inner'].map((id) => entryOf(all, id));
    expect(new Set([outer!.correlation_id, middle!.correlation_id, inner!.correlation_id]).size).toBe(3);
    expect(outer!.parent_id).toBeUndefined();
    expect(outer!.trace_id).toBe(outer!.correlation_id);
    expect(middle!.parent_id).toBe(outer!.correlation_id);
    expect(inner!.parent_id).toBe(middle!.correlation_id);
    expect([middle!.trace_id, inner!.trace_id]).toEqual([outer!.correlation_id, outer!.correlation_id]);
    expect(stateEvent(all, 'in_outer').correlation_id).toBe(outer!.correlation_id);
    expect(stateEvent(all, 'in_inner')).toMatchObject({
      correlation_id: inner!.correlation_id,
      trace_id: outer!.correlation_id,
    });
    // Every exit carries the ids of its own entry.
    for (const entry of [outer!, middle!, inner!]) {
      const exit = all.find((e) => e.event_type === 'function_exit' && e.correlation_id === entry.correlation_id);
      expect([exit?.parent_id, exit?.trace_id, exit?.ast_node_id]).toEqual([
        entry.parent_id,
        entry.trace_id,
        entry.ast_node_id,
      ]);
    }
  });

  it('follows async code across await, timers, promise chains and microtasks', async () => {
    await runtime.traced('async-root', async () => {
      await sleep(2);
      runtime.stateChange({ after_await: 1 });
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          runtime.stateChange({ in_timer: 1 });
          resolve();
        }, 1),
      );
      await Promise.resolve()
        .then(() => runtime.stateChange({ in_then: 1 }))
        .then(() => sleep(1))
        .then(() => runtime.stateChange({ in_later_then: 1 }));
      queueMicrotask(() => runtime.stateChange({ in_microtask: 1 }));
      setImmediate(() => runtime.stateChange({ in_immediate: 1 }));
      await sleep(5);
    });
    const all = await flushed(runtime, events);
    const root = entryOf(all, 'async-root').correlation_id;
    for (const key of ['after_await', 'in_timer', 'in_then', 'in_later_then', 'in_microtask', 'in_immediate']) {
      expect(stateEvent(all, key).correlation_id, key).toBe(root);
    }
  });

  it('keeps concurrent calls apart, however their awaits interleave', async () => {
    const worker = (name: string, delays: number[]) =>
      runtime.traced(`worker-${name}`, async () => {
        for (const [step, delay] of delays.entries()) {
          await sleep(delay);
          await runtime.traced(`step-${name}`, async () => {
            await sleep(1);
            runtime.stateChange({ [`${name}${step}`]: step });
          });
        }
      });
    await Promise.all([worker('a', [3, 1, 2]), worker('b', [1, 3, 1]), worker('c', [2, 2, 2])]);
    const all = await flushed(runtime, events);
    for (const name of ['a', 'b', 'c']) {
      const root = entryOf(all, `worker-${name}`);
      const steps = all.filter((e) => e.event_type === 'function_entry' && e.ast_node_id === `step-${name}`);
      expect(steps).toHaveLength(3);
      for (const [step, entry] of steps.entries()) {
        expect(entry).toMatchObject({ parent_id: root.correlation_id, trace_id: root.correlation_id });
        expect(stateEvent(all, `${name}${step}`).correlation_id).toBe(entry.correlation_id);
      }
    }
    expect(new Set(all.map((e) => e.trace_id)).size).toBe(3);
  });

  it('runs event-emitter listeners in the context of whoever emits', async () => {
    const emitter = new EventEmitter();
    // Registered in one call, emitted from another: synchronous listeners run in the emitter's call.
    runtime.traced('registers', () => emitter.on('ping', () => runtime.stateChange({ heard_ping: 1 })));
    runtime.traced('emits', () => emitter.emit('ping'));
    const all = await flushed(runtime, events);
    expect(stateEvent(all, 'heard_ping').correlation_id).toBe(entryOf(all, 'emits').correlation_id);
  });

  it('exposes the current call, and nothing outside calls; outside events share the ambient id', async () => {
    expect(runtime.currentCall()).toBeUndefined();
    const seen = runtime.traced('look', () => runtime.currentCall());
    runtime.stateChange({ outside_one: 1 });
    runtime.stateChange({ outside_two: 1 });
    const all = await flushed(runtime, events);
    const entry = entryOf(all, 'look');
    expect(seen).toMatchObject({ correlationId: entry.correlation_id, traceId: entry.correlation_id, sampled: true });
    const [one, two] = [stateEvent(all, 'outside_one'), stateEvent(all, 'outside_two')];
    expect(one.correlation_id).toBe(two.correlation_id);
    expect(one.correlation_id).not.toBe(entry.correlation_id);
    expect(one.trace_id).toBeUndefined();
    expect(one.parent_id).toBeUndefined();
  });

  it('numbers events per producer and stamps service, instance and UUIDv7 ids', async () => {
    runtime.traced('numbered', () => runtime.stateChange({ n: 1 }));
    const all = await flushed(runtime, events);
    const seqs = all.map((e) => e.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const e of all) {
      expect(e).toMatchObject({ service: 'test-service', instance: 'test-instance' });
      expect(e.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
