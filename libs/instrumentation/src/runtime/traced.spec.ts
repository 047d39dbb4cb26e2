import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { JsonObject, SerializedEvent } from '@temporal-bridge/event-schema';
import { afterEach, describe, expect, it } from 'vitest';

import { assertAllValid } from '../__fixtures__/collecting-transport';
import { testRuntime } from '../__fixtures__/test-runtime';

const { runtime, transport } = testRuntime({ capture: { captureResult: true } });

async function flushed(): Promise<SerializedEvent[]> {
  expect(await runtime.flush(2_000)).toEqual({ ok: true, unsent: 0 });
  assertAllValid(transport.events);
  return transport.events;
}

function pair(events: SerializedEvent[], astNodeId: string): [SerializedEvent, SerializedEvent] {
  const entry = events.find((e) => e.ast_node_id === astNodeId && e.event_type === 'function_entry');
  const exit = events.find((e) => e.ast_node_id === astNodeId && e.event_type === 'function_exit');
  if (entry === undefined || exit === undefined) throw new Error(`no entry/exit pair for ${astNodeId}`);
  expect(exit.correlation_id).toBe(entry.correlation_id);
  expect(BigInt(exit.timestamp)).toBeGreaterThanOrEqual(BigInt(entry.timestamp));
  return [entry, exit];
}

afterEach(() => {
  transport.batches.length = 0;
});

describe('traced()', () => {
  it('records a sync call and returns its value unchanged', async () => {
    const value = { answer: 42 };
    expect(
      runtime.traced('sync', function computeAnswer() {
        return value;
      }),
    ).toBe(value);
    const [entry, exit] = pair(await flushed(), 'sync');
    expect(entry.data).toEqual({ module: 'test-service', function: 'computeAnswer' });
    expect(exit.data).toEqual({ result: { answer: 42 } });
  });

  it('records a throwing call with the error, and rethrows the same error', async () => {
    const boom = new RangeError('out of range');
    expect(() =>
      runtime.traced('throws', () => {
        throw boom;
      }),
    ).toThrow(boom);
    const [, exit] = pair(await flushed(), 'throws');
    expect((exit.data?.['error'] as JsonObject)['name']).toBe('RangeError');
    expect((exit.data?.['error'] as JsonObject)['message']).toBe('out of range');
  });

  it('records the exit of an async call when it resolves, and resolves with its value', async () => {
    let finished = false;
    const promise = runtime.traced('async', async () => {
      await sleep(5);
      finished = true;
      return 'done';
    });
    await runtime.flush(2_000);
    expect(transport.events.filter((e) => e.ast_node_id === 'async').map((e) => e.event_type)).toEqual([
      'function_entry',
    ]);
    expect(await promise).toBe('done');
    expect(finished).toBe(true);
    const [, exit] = pair(await flushed(), 'async');
    expect(exit.data).toEqual({ result: 'done' });
  });

  it('records a rejection with the error and leaves the rejection to the caller', async () => {
    const failure = new Error('rejected on purpose');
    await expect(
      runtime.traced('rejects', async () => {
        await sleep(1);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const [, exit] = pair(await flushed(), 'rejects');
    expect((exit.data?.['error'] as JsonObject)['message']).toBe('rejected on purpose');
  });

  it('leaves an unhandled rejection unhandled: the process still hears of it', () => {
    const fixture = join(__dirname, '..', '__fixtures__', 'unhandled-rejection.fixture.ts');
    const child = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 30_000 });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain('nobody handles this');
  });

  it('counts the exit of an async call that ends after shutdown', async () => {
    const { runtime: closing } = testRuntime();
    let release = (): void => undefined;
    const pending = closing.traced('slow', () => new Promise<void>((resolve) => (release = resolve)));
    await closing.shutdown(1_000);
    release();
    await pending;
    expect(closing.stats()).toMatchObject({ emitted: 2, sent: 1, dropped: { shutdown: 1 } });
  });

  it('does not capture results unless asked, and takes per-call names and args', async () => {
    const { runtime: quiet, transport: quietTransport } = testRuntime();
    quiet.traced('named', () => 'secret result', {
      module: 'billing',
      function: 'charge',
      args: [{ amount: 5, token: 't' }],
    });
    await quiet.flush(2_000);
    const [entry, exit] = [quietTransport.events[0]!, quietTransport.events[1]!];
    expect(entry.data).toEqual({ module: 'billing', function: 'charge', args: [{ amount: 5, token: '[REDACTED]' }] });
    expect(exit.data).toBeUndefined();
    await quiet.shutdown();
  });

  it('treats non-native thenables as plain values (calling then could start work)', async () => {
    let thenCalls = 0;
    const lazy = { then: () => void (thenCalls += 1) };
    expect(runtime.traced('thenable', () => lazy)).toBe(lazy);
    await flushed();
    expect(thenCalls).toBe(0);
    pair(transport.events, 'thenable');
  });

  it('counts an invalid AST node id and runs the function untraced', async () => {
    const before = runtime.stats().dropped.invalid;
    expect(runtime.traced('bad\nid', () => 7)).toBe(7);
    expect(runtime.traced('x'.repeat(129), () => 8)).toBe(8);
    expect(runtime.stats().dropped.invalid).toBe(before + 2);
    expect(await flushed()).toEqual([]);
  });
});

describe('wrap()', () => {
  it('records every call with its arguments and keeps `this`', async () => {
    const counter = {
      base: 10,
      add: runtime.wrap('counter.add', function add(this: { base: number }, n: number, opts: { password: string }) {
        return this.base + n + opts.password.length;
      }),
    };
    expect(counter.add(5, { password: 'abc' })).toBe(18);
    const [entry, exit] = pair(await flushed(), 'counter.add');
    expect(entry.data).toEqual({ module: 'test-service', function: 'add', args: [5, { password: '[REDACTED]' }] });
    expect(exit.data).toEqual({ result: 18 });
  });
});

describe('functionEntry / functionExit / runInCall', () => {
  it('records a call opened and closed by hand, with events inside it', async () => {
    const call = runtime.functionEntry('payments', 'refund', ['order-7'], 'payments.ts:9');
    runtime.runInCall(call, () => runtime.stateChange({ refunded: true }));
    runtime.functionExit(call, { result: 'ok' });
    const failed = runtime.functionEntry('payments', 'refund', [], 'payments.ts:9:again');
    runtime.functionExit(failed, { error: new Error('gateway down') });
    const events = await flushed();
    const [entry, exit] = pair(events, 'payments.ts:9');
    expect(entry.data).toEqual({ module: 'payments', function: 'refund', args: ['order-7'] });
    expect(exit.data).toEqual({ result: 'ok' });
    expect(entry.correlation_id).toBe(call.correlationId);
    const state = events.find((e) => e.event_type === 'state_change');
    expect(state?.correlation_id).toBe(call.correlationId);
    const [, failedExit] = pair(events, 'payments.ts:9:again');
    expect((failedExit.data?.['error'] as JsonObject)['message']).toBe('gateway down');
  });
});
