import { describe, expect, it } from 'vitest';

import { CollectingTransport } from '../__fixtures__/collecting-transport';
import { InstrumentationRuntime } from './instrumentation-runtime';

function exercise(runtime: InstrumentationRuntime): void {
  runtime.traced('a', () => runtime.stateChange({ a: 1 }));
  runtime.wrap('b', (n: number) => n)(1);
  const call = runtime.functionEntry('m', 'f', [1], 'c');
  runtime.runInCall(call, () => runtime.variableSnapshot({ v: 1 }));
  runtime.functionExit(call, { result: 1 });
  runtime.messageSend('m1');
  runtime.messageReceive('m1');
  runtime.error(new Error('e'));
  runtime.log('info', 'hello');
  runtime.emit('custom.event', { x: 1 });
  runtime.reportDrops();
}

describe('disabled runtime', () => {
  it('emits nothing and calls functions directly, with enabled: false', async () => {
    const transport = new CollectingTransport();
    const runtime = new InstrumentationRuntime({ service: 's', enabled: false, transport });
    expect(runtime.enabled).toBe(false);
    const value = {};
    expect(runtime.traced('a', () => value)).toBe(value);
    expect(runtime.traced('a', () => runtime.currentCall())).toBeUndefined();
    exercise(runtime);
    expect(await runtime.flush(100)).toEqual({ ok: true, unsent: 0 });
    expect(transport.attempts).toBe(0);
    expect(runtime.stats()).toMatchObject({ enabled: false, emitted: 0, transport: 'none' });
  });

  it('is disabled without a transport', () => {
    const runtime = new InstrumentationRuntime({ service: 's' });
    expect(runtime.enabled).toBe(false);
    exercise(runtime);
    expect(runtime.stats().emitted).toBe(0);
  });

  it('stops after shutdown: later calls emit nothing and still run', async () => {
    const transport = new CollectingTransport();
    const runtime = new InstrumentationRuntime({ service: 's', transport, dropReportIntervalMs: 0 });
    runtime.stateChange({ before: 1 });
    expect(await runtime.shutdown(1_000)).toEqual({ ok: true, unsent: 0 });
    exercise(runtime);
    expect(runtime.traced('after', () => 'ran')).toBe('ran');
    expect(transport.events).toHaveLength(1);
    expect(runtime.stats()).toMatchObject({ enabled: false, emitted: 1, sent: 1 });
  });
});
