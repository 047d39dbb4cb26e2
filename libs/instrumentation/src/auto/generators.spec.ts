// Generators written in the transform's shape (docs/auto-instrumentation.md): entry on
// first resume, exit at completion, return() or throw(), and an abandoned
// generator's call closed as abandoned when collected or at shutdown.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { describe, expect, it } from 'vitest';

import { autoRuntime, descriptor, expectOneExitPerEntry, id, node, of } from '../__fixtures__/auto-fixture';
import { type ModuleProbes } from './module-probes';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function setup() {
  const ctx = autoRuntime();
  const __tb = ctx.host.module(
    descriptor(
      node('count', 'function', { generator: true }),
      node('consume'),
      node('ticks', 'function', { async: true, generator: true }),
    ),
  ) as ModuleProbes;
  function* count(n: number): Generator<number, string> {
    const __tb$c = __tb.e(0) ? __tb.c(0, [n]) : null;
    try {
      for (let i = 0; i < n; i += 1) __tb.u(__tb$c, yield __tb.s(__tb$c, i));
      return __tb.r(__tb$c, 'done');
    } catch (__tb$e) {
      __tb.t(__tb$c, __tb$e);
      throw __tb$e;
    } finally {
      __tb.x(__tb$c);
    }
  }
  async function* ticks(n: number): AsyncGenerator<number> {
    const __tb$c = __tb.e(2) ? __tb.c(2, [n]) : null;
    try {
      for (let i = 0; i < n; i += 1) {
        __tb.u(__tb$c, await __tb.s(__tb$c, Promise.resolve()));
        __tb.u(__tb$c, yield __tb.s(__tb$c, i));
      }
    } catch (__tb$e) {
      __tb.t(__tb$c, __tb$e);
      throw __tb$e;
    } finally {
      __tb.x(__tb$c);
    }
  }
  /** A recorded call that drives `body`: the generators' parent. */
  function consume<T>(body: () => T): T {
    const __tb$c = __tb.e(1) ? __tb.c(1) : null;
    try {
      return __tb.r(__tb$c, body());
    } finally {
      __tb.x(__tb$c);
    }
  }
  return { ...ctx, count, ticks, consume };
}

describe('probe host: generators', () => {
  it('gives a generator driven by for await or yield* the driving call as parent through i() (proposed shape)', async () => {
    const { host, flushed, count, ticks, consume } = setup();
    const __tb = host.module(
      descriptor(node('loop', 'function', { async: true }), node('outer', 'function', { generator: true })),
    ) as ModuleProbes;
    async function loop(): Promise<number[]> {
      const __tb$c = __tb.e(0) ? __tb.c(0) : null;
      try {
        const seen: number[] = [];
        {
          for await (const n of __tb.s(__tb$c, __tb.i(__tb$c, ticks(2)))) {
            __tb.u(__tb$c);
            try {
              seen.push(n);
            } finally {
              __tb.s(__tb$c, undefined);
            }
          }
          __tb.u(__tb$c);
        }
        return __tb.r(__tb$c, seen);
      } finally {
        __tb.x(__tb$c);
      }
    }
    function* outer(): Generator<number, string> {
      const __tb$c = __tb.e(1) ? __tb.c(1) : null;
      try {
        const done = __tb.u(__tb$c, yield* __tb.s(__tb$c, __tb.i(__tb$c, count(2))));
        return __tb.r(__tb$c, done);
      } finally {
        __tb.x(__tb$c);
      }
    }
    expect(await loop()).toEqual([0, 1]);
    expect(consume(() => [...outer()])).toEqual([0, 1]);
    const gen = outer();
    gen.next();
    expect(gen.return('stop')).toEqual({ value: 'stop', done: true }); // return() reaches the delegate
    expect(host.context.current).toBeNull();
    const events = await flushed();
    expectOneExitPerEntry(events);
    const [loopCall] = of(events, 'function_entry', id('loop'));
    expect(of(events, 'function_entry', id('ticks')).map((e) => e.parent_id)).toEqual([loopCall!.correlation_id]);
    const outers = of(events, 'function_entry', id('outer'));
    expect(of(events, 'function_entry', id('count')).map((e) => e.parent_id)).toEqual(
      outers.map((e) => e.correlation_id),
    );
  });

  it('i() hands back what it cannot or need not wrap, and keeps the iterator kinds of its input', () => {
    const { host } = setup();
    const __tb = host.module(descriptor(node('f'))) as ModuleProbes;
    const call = __tb.c(0)!;
    expect(__tb.i(null, [1])).toEqual([1]);
    expect(__tb.i(call, 'abc')).toBe('abc');
    const syncOnly = __tb.i(call, [1, 2]) as object;
    expect(Symbol.iterator in syncOnly).toBe(true);
    expect(Symbol.asyncIterator in syncOnly).toBe(false);
    expect([...(syncOnly as Iterable<number>)]).toEqual([1, 2]);
    __tb.x(call);
  });

  it('enters on the first next(), exits at completion, and gives back the pointer at every yield', async () => {
    const { host, flushed, count, consume } = setup();
    const gen = count(2);
    expect(host.context.current).toBeNull();
    const values = consume(() => {
      const out = [gen.next().value];
      expect(host.context.current?.correlationId).not.toBe(undefined);
      return out;
    });
    expect(host.context.current).toBeNull();
    values.push(...[...gen]);
    expect(values).toEqual([0, 1]);
    const events = await flushed();
    expectOneExitPerEntry(events);
    const [entry] = of(events, 'function_entry', id('count'));
    expect(entry!.parent_id).toBe(of(events, 'function_entry', id('consume'))[0]!.correlation_id);
    expect(of(events, 'function_exit', id('count'))[0]!.data).toBeUndefined();
    expect(host.stats().open_generators).toBe(0);
  });

  it('exits on return() and on throw() (with the error)', async () => {
    const { flushed, count } = setup();
    const returned = count(5);
    returned.next();
    expect(returned.return('early')).toEqual({ value: 'early', done: true });
    const thrown = count(5);
    thrown.next();
    expect(() => thrown.throw(new RangeError('stop'))).toThrow('stop');
    const events = await flushed();
    const exits = expectOneExitPerEntry(events);
    expect([...exits.values()].map((e) => e.data?.['error'] ?? null)).toEqual([
      null,
      expect.objectContaining({ name: 'RangeError', message: 'stop' }),
    ]);
    expect(events.filter((e) => e.event_type === 'error')).toHaveLength(1);
  });

  it('records async generators through for await', async () => {
    const { flushed, ticks } = setup();
    const seen: number[] = [];
    for await (const n of ticks(3)) seen.push(n);
    expect(seen).toEqual([0, 1, 2]);
    expectOneExitPerEntry(await flushed());
  });

  it('closes an abandoned generator call as abandoned at shutdown', async () => {
    const { host, flushed, count } = setup();
    const gen = count(10);
    gen.next();
    expect(host.stats().open_generators).toBe(1);
    host.shutdown();
    const events = await flushed();
    expectOneExitPerEntry(events);
    expect(of(events, 'function_exit', id('count'))[0]!.data).toEqual({ abandoned: 'shutdown' });
    expect(gen.next().value).toBe(1); // the generator itself still works
  });

  it('closes an abandoned generator call as abandoned when the generator is collected', async () => {
    const { host, flushed, count } = setup();
    (() => {
      const gen = count(10);
      gen.next();
    })();
    expect(host.stats().open_generators).toBe(1);
    for (let i = 0; i < 20 && host.stats().open_generators > 0; i += 1) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const events = await flushed();
    expectOneExitPerEntry(events);
    expect(of(events, 'function_exit', id('count'))[0]!.data).toEqual({ abandoned: 'collected' });
  });
});
