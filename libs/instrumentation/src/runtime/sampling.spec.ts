import { describe, expect, it } from 'vitest';

import { assertAllValid } from '../__fixtures__/collecting-transport';
import { testRuntime } from '../__fixtures__/test-runtime';

/** A deterministic "random": cycles through the given draws. */
function draws(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('sampling', () => {
  it('decides a trace once, at the root: kept traces are complete, dropped ones emit nothing', async () => {
    // traceRate 0.5: draw 0.1 keeps the first trace, 0.9 drops the second.
    const { runtime, transport } = testRuntime({ sampling: { traceRate: 0.5 }, random: draws(0.1, 0.9) });
    const trace = (name: string) =>
      runtime.traced(`${name}-root`, () => {
        runtime.stateChange({ [name]: 1 });
        runtime.traced(`${name}-child`, () => runtime.variableSnapshot({ x: 1 }));
        runtime.messageSend(`${name}-msg`);
      });
    trace('kept');
    trace('dropped');
    await runtime.flush(2_000);
    assertAllValid(transport.events);
    expect(transport.events.map((e) => [e.event_type, e.ast_node_id])).toEqual([
      ['function_entry', 'kept-root'],
      ['state_change', undefined],
      ['function_entry', 'kept-child'],
      ['variable_snapshot', undefined],
      ['function_exit', 'kept-child'],
      ['message_send', undefined],
      ['function_exit', 'kept-root'],
    ]);
    // The dropped trace: root entry/exit, state, child entry/exit, snapshot, message; not a loss, not a drop.
    expect(runtime.stats().sampled_out).toBeGreaterThanOrEqual(4);
    expect(runtime.stats().dropped.total).toBe(0);
  });

  it('applies per-AST-node rates at roots and to events outside calls, with a default rate', async () => {
    const { runtime, transport } = testRuntime({
      sampling: { defaultRate: 0, astNodeRates: { 'checkout.ts:1': 1, 'hot-loop': 0.25 } },
      random: draws(0.2, 0.3),
    });
    runtime.traced('checkout.ts:1', () =>
      runtime.traced('helper-with-default-0', () => runtime.stateChange({ inside: 1 })),
    );
    runtime.traced('other.ts:1', () => runtime.stateChange({ never: 1 }));
    runtime.stateChange({ outside_default: 1 }, 'unlisted');
    runtime.stateChange({ hot: 1 }, 'hot-loop'); // draw 0.2 < 0.25: kept
    runtime.stateChange({ hot: 2 }, 'hot-loop'); // draw 0.3: dropped
    await runtime.flush(2_000);
    const kept = transport.events.map((e) => e.ast_node_id ?? JSON.stringify(e.data));
    // Inside a kept trace everything is kept, even a node whose own rate is 0.
    expect(kept).toEqual([
      'checkout.ts:1',
      'helper-with-default-0',
      '{"state":{"inside":1}}',
      'helper-with-default-0',
      'checkout.ts:1',
      'hot-loop',
    ]);
  });

  it('rejects rates outside 0..1 when the runtime is created', () => {
    expect(() => testRuntime({ sampling: { traceRate: 2 } })).toThrow(
      'sampling.traceRate must be a rate between 0 and 1',
    );
    expect(() => testRuntime({ sampling: { astNodeRates: { a: -1 } } })).toThrow('sampling.astNodeRates.a');
  });
});
