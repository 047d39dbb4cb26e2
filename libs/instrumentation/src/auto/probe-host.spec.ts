// The functions below are written by hand in exactly the shape the transform
// gives (docs/auto-instrumentation.md), so these tests exercise the runtime side of the
// contract with real runtimes and a collecting transport.
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { autoRuntime, descriptor, expectOneExitPerEntry, id, node, of } from '../__fixtures__/auto-fixture';
import { type ModuleProbes } from './module-probes';
import { ProbeHost } from './probe-host';

describe('probe host: synchronous calls', () => {
  it('records entry and exit with parents and traces following the call tree, without AsyncLocalStorage', async () => {
    const { host, flushed } = autoRuntime();
    const __tb = host.module(descriptor(node('outer'), node('inner'))) as ModuleProbes;
    function inner(n: number): number {
      const __tb$c = __tb.e(1) ? __tb.c(1, [n]) : null;
      try {
        return __tb.r(__tb$c, n * 2);
      } catch (__tb$e) {
        __tb.t(__tb$c, __tb$e);
        throw __tb$e;
      } finally {
        __tb.x(__tb$c);
      }
    }
    function outer(): number {
      const __tb$c = __tb.e(0) ? __tb.c(0) : null;
      try {
        return __tb.r(__tb$c, inner(1) + inner(2));
      } catch (__tb$e) {
        __tb.t(__tb$c, __tb$e);
        throw __tb$e;
      } finally {
        __tb.x(__tb$c);
      }
    }
    expect(outer()).toBe(6);
    expect(outer()).toBe(6);
    expect(host.context.current).toBeNull();
    const events = await flushed();
    expectOneExitPerEntry(events);
    const outers = of(events, 'function_entry', id('outer'));
    const inners = of(events, 'function_entry', id('inner'));
    expect([outers.length, inners.length]).toEqual([2, 4]);
    for (const root of outers) {
      expect(root.parent_id).toBeUndefined();
      expect(root.trace_id).toBe(root.correlation_id);
      expect(root.data).toEqual({ module: 'src/fixture.ts', function: 'outer' });
      const children = inners.filter((e) => e.parent_id === root.correlation_id);
      expect(children.map((c) => c.data?.['args'])).toEqual([[1], [2]]);
      expect(children.every((c) => c.trace_id === root.correlation_id)).toBe(true);
    }
    expect(host.nodeCounts()).toEqual([
      { ast_node_id: id('outer'), hits: 2, unrecorded: 0 },
      { ast_node_id: id('inner'), hits: 4, unrecorded: 0 },
    ]);
  });

  it('emits one error event where an error is thrown; every exit on the way carries it', async () => {
    const { host, flushed } = autoRuntime();
    const __tb = host.module(descriptor(node('outer'), node('thrower'))) as ModuleProbes;
    function thrower(): never {
      const __tb$c = __tb.e(1) ? __tb.c(1) : null;
      try {
        throw new TypeError('bad input');
      } catch (__tb$e) {
        __tb.t(__tb$c, __tb$e);
        throw __tb$e;
      } finally {
        __tb.x(__tb$c);
      }
    }
    function outer(): void {
      const __tb$c = __tb.e(0) ? __tb.c(0) : null;
      try {
        thrower();
      } catch (__tb$e) {
        __tb.t(__tb$c, __tb$e);
        throw __tb$e;
      } finally {
        __tb.x(__tb$c);
      }
    }
    const thrown = (() => {
      try {
        outer();
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(TypeError);
    const events = await flushed();
    const exits = expectOneExitPerEntry(events);
    const errors = events.filter((e) => e.event_type === 'error');
    expect(errors).toHaveLength(1);
    const throwerEntry = of(events, 'function_entry', id('thrower'))[0]!;
    expect(errors[0]).toMatchObject({ correlation_id: throwerEntry.correlation_id, ast_node_id: id('thrower') });
    expect(errors[0]!.data?.['error']).toMatchObject({ name: 'TypeError', message: 'bad input' });
    for (const exit of exits.values()) expect(exit.data?.['error']).toMatchObject({ message: 'bad input' });
  });

  it('captures arguments and results through the capture rules (redaction, hostile values)', async () => {
    const { host, flushed } = autoRuntime({ capture: { captureResult: true } });
    const __tb = host.module(descriptor(node('login'))) as ModuleProbes;
    function login(user: unknown, options: { password: string }): unknown {
      const __tb$c = __tb.e(0) ? __tb.c(0, [user, options]) : null;
      try {
        return __tb.r(__tb$c, { ok: true, token: 'abc' });
      } finally {
        __tb.x(__tb$c);
      }
    }
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      },
    );
    login(hostile, { password: 'hunter2' });
    const events = await flushed();
    const entry = of(events, 'function_entry', id('login'))[0]!;
    expect(JSON.stringify(entry.data)).not.toContain('hunter2');
    expect((entry.data?.['args'] as unknown[])[1]).toEqual({ password: '[REDACTED]' });
    expect(of(events, 'function_exit', id('login'))[0]!.data).toEqual({ result: { ok: true, token: '[REDACTED]' } });
  });

  it('does not record calls made by the capture itself (a getter of an argument)', async () => {
    const { host, flushed } = autoRuntime();
    const __tb = host.module(descriptor(node('f'), node('Thing.value', 'getter'))) as ModuleProbes;
    class Thing {
      get value(): number {
        const __tb$c = __tb.e(1) ? __tb.c(1) : null;
        try {
          return __tb.r(__tb$c, 42);
        } finally {
          __tb.x(__tb$c);
        }
      }
    }
    const thing = new Thing();
    Object.defineProperty(thing, 'own', { enumerable: true, get: () => thing.value });
    function f(arg: unknown): void {
      const __tb$c = __tb.e(0) ? __tb.c(0, [arg]) : null;
      try {
        /* empty */
      } finally {
        __tb.x(__tb$c);
      }
    }
    f(thing);
    const events = await flushed();
    expect(events.filter((e) => e.event_type === 'function_entry').map((e) => e.ast_node_id)).toEqual([id('f')]);
    expect(host.nodeCounts()[1]!.hits).toBe(1);
  });
});

describe('probe host: async code', () => {
  it('keeps parents across await, for concurrent calls, and restores the pointer at every suspension', async () => {
    const { host, flushed } = autoRuntime();
    const __tb = host.module(descriptor(node('work', 'function', { async: true }), node('step'))) as ModuleProbes;
    function step(label: string): string {
      const __tb$c = __tb.e(1) ? __tb.c(1, [label]) : null;
      try {
        return __tb.r(__tb$c, label);
      } finally {
        __tb.x(__tb$c);
      }
    }
    async function work(name: string, ms: number): Promise<string> {
      const __tb$c = __tb.e(0) ? __tb.c(0, [name]) : null;
      try {
        step(`${name}-before`);
        __tb.u(__tb$c, await __tb.s(__tb$c, sleep(ms)));
        step(`${name}-after`);
        __tb.u(__tb$c, await __tb.s(__tb$c, Promise.resolve()));
        return __tb.r(__tb$c, step(`${name}-end`));
      } catch (__tb$e) {
        __tb.t(__tb$c, __tb$e);
        throw __tb$e;
      } finally {
        __tb.x(__tb$c);
      }
    }
    const both = Promise.all([work('a', 20), work('b', 5)]);
    // Both suspended: nothing is current for the code that started them.
    expect(host.context.current).toBeNull();
    expect(await both).toEqual(['a-end', 'b-end']);
    const events = await flushed();
    expectOneExitPerEntry(events);
    for (const name of ['a', 'b']) {
      const root = of(events, 'function_entry', id('work')).find((e) => (e.data?.['args'] as string[])[0] === name)!;
      const steps = of(events, 'function_entry', id('step')).filter((e) => e.parent_id === root.correlation_id);
      expect(steps.map((e) => (e.data?.['args'] as string[])[0])).toEqual([
        `${name}-before`,
        `${name}-after`,
        `${name}-end`,
      ]);
    }
  });

  it('gives a callback at the top of a stack (timer, promise reaction) the call that scheduled it as parent', async () => {
    const { host, flushed } = autoRuntime();
    const __tb = host.module(
      descriptor(node('schedule'), node('schedule/arrow#1', 'arrow'), node('later')),
    ) as ModuleProbes;
    function later(from: string): void {
      const __tb$c = __tb.e(2) ? __tb.c(2, [from]) : null;
      try {
        /* empty */
      } finally {
        __tb.x(__tb$c);
      }
    }
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    function schedule(): void {
      const __tb$c = __tb.e(0) ? __tb.c(0) : null;
      try {
        setTimeout(() => {
          const __tb$c = __tb.e(1) ? __tb.c(1) : null;
          try {
            later('timer');
          } finally {
            __tb.x(__tb$c);
          }
        }, 5);
        void Promise.resolve().then(() => later('then'));
        setImmediate(() => {
          later('immediate');
          setTimeout(done, 10);
        });
      } finally {
        __tb.x(__tb$c);
      }
    }
    schedule();
    await finished;
    const events = await flushed();
    expectOneExitPerEntry(events);
    const root = of(events, 'function_entry', id('schedule'))[0]!;
    const arrow = of(events, 'function_entry', id('schedule/arrow#1', 'arrow'))[0]!;
    expect(arrow.parent_id).toBe(root.correlation_id);
    const laters = of(events, 'function_entry', id('later'));
    const parentOf = (from: string): string | undefined =>
      laters.find((e) => (e.data?.['args'] as string[])[0] === from)?.parent_id;
    expect(parentOf('timer')).toBe(arrow.correlation_id);
    expect(parentOf('then')).toBe(root.correlation_id);
    expect(parentOf('immediate')).toBe(root.correlation_id);
    expect(laters.every((e) => e.trace_id === root.correlation_id)).toBe(true);
  });

  it('survives a missed suspension: s, u and x only restore the pointer they own', () => {
    const { host } = autoRuntime();
    const __tb = host.module(descriptor(node('a'), node('b'))) as ModuleProbes;
    const a = __tb.c(0);
    const b = __tb.c(1);
    expect(host.context.current).toBe(b);
    __tb.s(a, undefined); // not current: nothing changes
    expect(host.context.current).toBe(b);
    __tb.x(b);
    expect(host.context.current).toBe(a);
    __tb.x(b); // twice: no-op
    expect(host.context.current).toBe(a);
    __tb.x(a);
    expect(host.context.current).toBeNull();
    __tb.u(a); // closed: never current again
    expect(host.context.current).toBeNull();
  });
});

describe('probe host: manual SDK calls', () => {
  it('nests traced() and stateChange() inside automatic calls and automatic calls inside traced()', async () => {
    const { runtime, host, flushed } = autoRuntime();
    const __tb = host.module(descriptor(node('auto'), node('leaf'))) as ModuleProbes;
    function leaf(): void {
      const __tb$c = __tb.e(1) ? __tb.c(1) : null;
      try {
        runtime.stateChange({ in_leaf: true });
      } finally {
        __tb.x(__tb$c);
      }
    }
    function auto(): Promise<void> {
      const __tb$c = __tb.e(0) ? __tb.c(0) : null;
      try {
        runtime.stateChange({ in_auto: true });
        return __tb.r(
          __tb$c,
          runtime.traced('manual', async () => {
            leaf();
            await sleep(1);
            leaf();
          }),
        );
      } finally {
        __tb.x(__tb$c);
      }
    }
    await auto();
    const events = await flushed();
    expectOneExitPerEntry(events);
    const autoEntry = of(events, 'function_entry', id('auto'))[0]!;
    const manual = of(events, 'function_entry', 'manual')[0]!;
    expect(manual.parent_id).toBe(autoEntry.correlation_id);
    expect(manual.trace_id).toBe(autoEntry.correlation_id);
    const leaves = of(events, 'function_entry', id('leaf'));
    expect(leaves.map((e) => e.parent_id)).toEqual([manual.correlation_id, manual.correlation_id]);
    const states = events.filter((e) => e.event_type === 'state_change');
    expect(states.find((e) => 'in_auto' in (e.data?.['state'] as object))?.correlation_id).toBe(
      autoEntry.correlation_id,
    );
    const leafIds = new Set(leaves.map((e) => e.correlation_id));
    expect(
      states.filter((e) => 'in_leaf' in (e.data?.['state'] as object)).every((e) => leafIds.has(e.correlation_id)),
    ).toBe(true);
    expect(runtime.currentCall()).toBeUndefined();
  });
});

describe('probe host: budget, sampling, disabled', () => {
  it('records the first N calls of a node per second, counts the rest exactly and reports them', async () => {
    const { host, flushed } = autoRuntime({}, { nodeBudget: 5 });
    const __tb = host.module(descriptor(node('hot'), node('cold'))) as ModuleProbes;
    const call = (i: number): void => {
      const c = __tb.e(i) ? __tb.c(i) : null;
      __tb.x(c);
    };
    for (let i = 0; i < 20; i += 1) call(0);
    call(1);
    expect(host.nodeCounts()).toEqual([
      { ast_node_id: id('hot'), hits: 20, unrecorded: 15 },
      { ast_node_id: id('cold'), hits: 1, unrecorded: 0 },
    ]);
    host.reportUnrecorded();
    host.reportUnrecorded(); // nothing new: no second report
    const events = await flushed();
    expect(of(events, 'function_entry', id('hot'))).toHaveLength(5);
    expect(of(events, 'function_exit', id('hot'))).toHaveLength(5);
    const reports = events.filter((e) => e.event_type === 'log');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.data).toMatchObject({ level: 'info', unrecorded: { [id('hot')]: 15 }, budget_per_second: 5 });
    expect(host.stats()).toMatchObject({ hits: 21, unrecorded: 15 });
  });

  it('reports the counts of nodes whose ids look like secrets, and of more nodes than captures keep', async () => {
    const names = ['Lexer.nextToken', 'checkPassword', ...Array.from({ length: 40 }, (_, i) => `f${i}`)];
    const { host, flushed } = autoRuntime({ capture: { maxItems: 20 } }, { nodeBudget: 1 });
    const __tb = host.module(descriptor(...names.map((name) => node(name)))) as ModuleProbes;
    for (let i = 0; i < names.length; i += 1) for (let n = 0; n < 3; n += 1) __tb.x(__tb.e(i) ? __tb.c(i) : null);
    host.reportUnrecorded();
    const [report] = (await flushed()).filter((e) => e.event_type === 'log');
    expect(report!.data?.['unrecorded']).toEqual(Object.fromEntries(names.map((name) => [id(name), 2])));
  });

  it('records no new call while the queue is full: counted instead, and every recorded call keeps its exit', async () => {
    const { runtime, host, flushed } = autoRuntime(
      { queue: { capacity: 6, batchSize: 6 } },
      { nodeBudget: 'unlimited' },
    );
    const __tb = host.module(descriptor(node('outer'), node('leaf'))) as ModuleProbes;
    // One synchronous burst (the sender cannot run): outer stays open while 10 leaves are called.
    const outer = __tb.e(0) ? __tb.c(0) : null;
    for (let n = 0; n < 10; n += 1) __tb.x(__tb.e(1) ? __tb.c(1) : null);
    __tb.x(outer);
    const events = await flushed();
    // outer's entry, two leaves (4 events), and room kept for outer's exit: the queue's 6.
    expect(events.map((e) => e.event_type)).toEqual([
      'function_entry',
      ...Array.from({ length: 2 }, () => ['function_entry', 'function_exit']).flat(),
      'function_exit',
    ]);
    expectOneExitPerEntry(events);
    expect(host.nodeCounts()[1]).toMatchObject({ hits: 10, unrecorded: 8 });
    expect(runtime.stats().dropped.queue_full).toBe(0);
    // Drained: recording resumes.
    __tb.x(__tb.e(1) ? __tb.c(1) : null);
    expect(of(await flushed(), 'function_entry', id('leaf'))).toHaveLength(3);
  });

  it('refills the budget in the next second', async () => {
    const { host, flushed } = autoRuntime({}, { nodeBudget: 2 });
    const __tb = host.module(descriptor(node('hot'))) as ModuleProbes;
    const call = (): void => __tb.x(__tb.e(0) ? __tb.c(0) : null);
    for (let i = 0; i < 5; i += 1) call();
    host.nextWindow(); // what the budget timer does each second
    for (let i = 0; i < 5; i += 1) call();
    expect(of(await flushed(), 'function_entry', id('hot'))).toHaveLength(4);
    expect(host.nodeCounts()[0]).toMatchObject({ hits: 10, unrecorded: 6 });
  });

  it('records every call with an unlimited budget', async () => {
    const { host, flushed } = autoRuntime({}, { nodeBudget: 'unlimited' });
    const __tb = host.module(descriptor(node('hot'))) as ModuleProbes;
    for (let i = 0; i < 300; i += 1) __tb.x(__tb.e(0) ? __tb.c(0) : null);
    expect(of(await flushed(), 'function_entry', id('hot'))).toHaveLength(300);
  });

  it('counts hits but emits nothing when the runtime is disabled or absent', async () => {
    const { runtime, host, transport } = autoRuntime({ enabled: false });
    const absent = new ProbeHost(undefined);
    for (const h of [host, absent]) {
      const __tb = h.module(descriptor(node('f'))) as ModuleProbes;
      for (let i = 0; i < 3; i += 1) __tb.x(__tb.e(0) ? __tb.c(0) : null);
      expect(h.nodeCounts()[0]).toMatchObject({ hits: 3, unrecorded: 0 });
    }
    await runtime.flush(100);
    expect(transport.attempts).toBe(0);
  });

  it('keeps a sampled-out trace silent all the way down', async () => {
    const { runtime, host, flushed } = autoRuntime({ sampling: { traceRate: 0 } });
    const __tb = host.module(descriptor(node('root'), node('child'))) as ModuleProbes;
    function root(): void {
      const __tb$c = __tb.e(0) ? __tb.c(0) : null;
      try {
        __tb.x(__tb.e(1) ? __tb.c(1) : null);
      } finally {
        __tb.x(__tb$c);
      }
    }
    root();
    expect(await flushed()).toHaveLength(0);
    expect(runtime.stats().sampled_out).toBe(1);
    expect(host.nodeCounts().map((n) => n.hits)).toEqual([1, 1]);
  });

  it('gives a module with an unusable descriptor no-op probes and a warning', () => {
    const warnings: string[] = [];
    const { host } = autoRuntime({}, { warn: (m) => warnings.push(m) });
    const __tb = host.module({ file: 'src/x.ts', nodes: [{ kind: 'function' }] }) as ModuleProbes;
    expect(__tb.e(0)).toBe(false);
    expect(__tb.r(null, 7)).toBe(7);
    expect(warnings).toEqual(['temporal-bridge: module not instrumented: src/x.ts: node 0 has no valid ast_node_id']);
  });
});
