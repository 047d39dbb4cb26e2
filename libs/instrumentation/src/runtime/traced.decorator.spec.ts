import { setTimeout as sleep } from 'node:timers/promises';

import type { JsonObject, SerializedEvent } from '@temporal-bridge/event-schema';
import { afterEach, describe, expect, it } from 'vitest';

import { assertAllValid, CollectingTransport } from '../__fixtures__/collecting-transport';
import { testRuntime } from '../__fixtures__/test-runtime';
import { getRuntime, install, traced, uninstall } from './default-runtime';
import { Traced } from './traced.decorator';

const { runtime, transport } = testRuntime({ capture: { captureResult: true } });

class OrderService {
  private readonly prefix = 'order';

  @Traced('orders.ts:10:place', { runtime })
  async place(id: number, card: { number: string; secret: string }): Promise<string> {
    await sleep(1);
    return `${this.prefix}-${id}-${card.number.length}`;
  }

  @Traced(undefined, { runtime })
  validate(id: number): boolean {
    if (id < 0) throw new Error(`negative id ${id}`);
    return true;
  }

  @Traced('orders.ts:30:count', { runtime })
  static count(): number {
    return 3;
  }

  // No runtime given: the installed default, looked up at call time.
  @Traced('orders.ts:40:late')
  late(): string {
    return 'late';
  }
}

async function flushed(): Promise<SerializedEvent[]> {
  expect(await runtime.flush(2_000)).toEqual({ ok: true, unsent: 0 });
  assertAllValid(transport.events);
  return transport.events;
}

afterEach(() => {
  transport.batches.length = 0;
});

describe('@Traced', () => {
  it('records async methods with class, method, redacted args and result, and keeps `this`', async () => {
    await expect(new OrderService().place(7, { number: '4111', secret: 'cvv' })).resolves.toBe('order-7-4');
    const [entry, exit] = await flushed();
    expect(entry).toMatchObject({ event_type: 'function_entry', ast_node_id: 'orders.ts:10:place' });
    expect(entry?.data).toEqual({
      module: 'OrderService',
      function: 'place',
      args: [7, { number: '4111', secret: '[REDACTED]' }],
    });
    expect(exit).toMatchObject({
      event_type: 'function_exit',
      correlation_id: entry?.correlation_id,
      data: { result: 'order-7-4' },
    });
  });

  it('records sync methods, throwing ones too, with Class.method as default AST node id', async () => {
    const service = new OrderService();
    expect(service.validate(1)).toBe(true);
    expect(() => service.validate(-1)).toThrow('negative id -1');
    const events = await flushed();
    expect(events.map((e) => [e.event_type, e.ast_node_id])).toEqual([
      ['function_entry', 'OrderService.validate'],
      ['function_exit', 'OrderService.validate'],
      ['function_entry', 'OrderService.validate'],
      ['function_exit', 'OrderService.validate'],
    ]);
    expect((events[3]?.data?.['error'] as JsonObject)['message']).toBe('negative id -1');
  });

  it('records static methods under the class name, and keeps method names', async () => {
    expect(OrderService.count()).toBe(3);
    expect(OrderService.prototype.validate.name).toBe('validate');
    const [entry] = await flushed();
    expect(entry?.data).toEqual({ module: 'OrderService', function: 'count', args: [] });
  });

  it('uses the installed runtime, and just calls the method when none is installed', async () => {
    expect(getRuntime()).toBeUndefined();
    expect(new OrderService().late()).toBe('late');
    const sink = new CollectingTransport();
    const installed = install({
      service: 'installed',
      transport: sink,
      queue: { lingerMs: 1 },
      dropReportIntervalMs: 0,
    });
    expect(new OrderService().late()).toBe('late');
    expect(traced('free-function', () => 5)).toBe(5);
    await installed.flush(2_000);
    expect(sink.events.map((e) => e.ast_node_id)).toEqual([
      'orders.ts:40:late',
      'orders.ts:40:late',
      'free-function',
      'free-function',
    ]);
    await uninstall();
    expect(getRuntime()).toBeUndefined();
    expect(sink.closed).toBe(true);
    expect(traced('free-function', () => 6)).toBe(6);
  });
});
