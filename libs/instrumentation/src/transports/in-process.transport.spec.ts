import { parseEvent, setRegisteredHandler, type EventHandler } from '@temporal-bridge/event-schema';
import { pollUntil } from '@temporal-bridge/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { InstrumentationRuntime } from '../runtime/instrumentation-runtime';

/** A small stand-in for a TemporalBridge after registerAsHandler(): validates like the bridge, keeps what it takes. */
class RecordingHandler implements EventHandler {
  readonly received: unknown[] = [];

  async correlateEvent(event: unknown): Promise<void> {
    const result = parseEvent(event);
    if (!result.ok) throw new Error(result.problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
    if (result.event.event_type === 'log') throw new Error('this bridge refuses logs');
    this.received.push(event);
  }
}

describe('in-process transport', () => {
  const runtimes: InstrumentationRuntime[] = [];

  function start(): InstrumentationRuntime {
    const runtime = new InstrumentationRuntime({
      service: 'in-process-test',
      transport: { kind: 'in-process' },
      queue: { lingerMs: 1 },
      retry: { initialMs: 5, maxMs: 20 },
      dropReportIntervalMs: 0,
    });
    runtimes.push(runtime);
    return runtime;
  }

  afterEach(async () => {
    setRegisteredHandler(undefined);
    await Promise.all(runtimes.splice(0).map((r) => r.shutdown(200)));
  });

  it('hands every event, in order, to the registered bridge', async () => {
    const handler = new RecordingHandler();
    setRegisteredHandler(handler);
    const runtime = start();
    runtime.traced('in-process.ts:1', () => runtime.stateChange({ step: 1 }));
    await runtime.flush(2_000);
    expect(handler.received.map((e) => (e as { event_type: string }).event_type)).toEqual([
      'function_entry',
      'state_change',
      'function_exit',
    ]);
    expect(runtime.stats()).toMatchObject({ sent: 3, transport: 'in-process' });
  });

  it('treats "no bridge registered" as an outage: retried, counted, delivered once one registers', async () => {
    const runtime = start();
    runtime.stateChange({ early: true });
    await pollUntil(() => runtime.stats().send_failures >= 2);
    expect(runtime.stats().last_error).toContain('no TemporalBridge is registered');
    expect(runtime.stats().queue_depth + runtime.stats().in_flight).toBe(1);
    const handler = new RecordingHandler();
    setRegisteredHandler(handler);
    await pollUntil(() => handler.received.length === 1, { description: 'event delivered after registration' });
    expect(runtime.stats().sent).toBe(1);
  });

  it('counts events the bridge rejects, and goes on', async () => {
    const handler = new RecordingHandler();
    setRegisteredHandler(handler);
    const runtime = start();
    runtime.log('info', 'refused');
    runtime.stateChange({ kept: true });
    await runtime.flush(2_000);
    expect(handler.received).toHaveLength(1);
    expect(runtime.stats()).toMatchObject({ sent: 1, dropped: { rejected: 1 } });
    expect(runtime.stats().last_error).toBe('1 rejected: this bridge refuses logs');
  });

  it('hands a whole batch at once to a bridge that takes batches, and counts its rejections', async () => {
    const batches: unknown[][] = [];
    const handler: EventHandler = {
      correlateEvent: () => Promise.reject(new Error('the batch form must be used')),
      correlateEvents: async (events) => {
        batches.push([...events]);
        return {
          rejected: events.flatMap((event, index) =>
            (event as { event_type: string }).event_type === 'log' ? [{ index, reason: 'no logs here' }] : [],
          ),
        };
      },
    };
    setRegisteredHandler(handler);
    const runtime = start();
    runtime.traced('in-process.ts:2', () => {
      runtime.stateChange({ step: 1 });
      runtime.log('info', 'refused');
    });
    await runtime.flush(2_000);
    expect(batches.flat().map((e) => (e as { event_type: string }).event_type)).toEqual([
      'function_entry',
      'state_change',
      'log',
      'function_exit',
    ]);
    expect(batches.length).toBeLessThan(4);
    expect(runtime.stats()).toMatchObject({ sent: 3, dropped: { rejected: 1 } });
  });
});
