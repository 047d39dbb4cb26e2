import { runInThisContext } from 'node:vm';

import { type ModuleDescriptor, PROBES_GLOBAL, transformSource, type TransformOptions } from '../index';

/** One recorded call of an instrumented function. */
export interface RecordedCall {
  id: string;
  args: unknown[] | undefined;
  parent: RecordedCall | null;
  result?: unknown;
  error?: unknown;
  exited: number;
  suspended: number;
  resumed: number;
}

/**
 * A real probe host for tests: records every e/c/r/t/x/s/u call the instrumented code makes and
 * keeps the "current call" pointer the way the contract describes (c sets it, x and s restore
 * the caller, u makes the call current again).
 */
export class ProbeHost {
  readonly calls: RecordedCall[] = [];
  readonly log: string[] = [];
  readonly descriptors: ModuleDescriptor[] = [];
  /** Problems seen: x twice, x of a call that is not current in sync code, ... */
  readonly problems: string[] = [];
  private current: RecordedCall | null = null;

  install(): () => void {
    const key = Symbol.for(PROBES_GLOBAL);
    const holder = globalThis as Record<symbol, unknown>;
    const previous = holder[key];
    holder[key] = this;
    return () => {
      holder[key] = previous;
    };
  }

  module(descriptor: ModuleDescriptor): Record<string, (...args: never[]) => unknown> {
    this.descriptors.push(descriptor);
    const idOf = (i: number): string => descriptor.nodes[i]?.ast_node_id ?? `?${i}`;
    return {
      e: (i: number) => {
        this.log.push(`e ${idOf(i)}`);
        return true;
      },
      c: (i: number, args?: unknown[]) => {
        const call: RecordedCall = { id: idOf(i), args, parent: this.current, exited: 0, suspended: 0, resumed: 0 };
        this.calls.push(call);
        this.log.push(`c ${call.id}`);
        this.current = call;
        return call;
      },
      r: (call: RecordedCall | null, value: unknown) => {
        if (call) call.result = value;
        this.log.push(`r ${call?.id ?? 'null'}`);
        return value;
      },
      t: (call: RecordedCall | null, error: unknown) => {
        if (call) call.error = error;
        this.log.push(`t ${call?.id ?? 'null'}`);
      },
      x: (call: RecordedCall | null) => {
        if (!call) return;
        call.exited += 1;
        if (call.exited > 1) this.problems.push(`x twice: ${call.id}`);
        this.log.push(`x ${call.id}`);
        this.current = call.parent;
      },
      s: (call: RecordedCall | null, value: unknown) => {
        if (call) {
          call.suspended += 1;
          this.current = call.parent;
        }
        this.log.push(`s ${call?.id ?? 'null'}`);
        return value;
      },
      i: (call: RecordedCall | null, iterable: unknown) => (call ? this.iterateAs(call, iterable) : iterable),
      u: (call: RecordedCall | null, value?: unknown) => {
        if (call) {
          call.resumed += 1;
          this.current = call;
        }
        this.log.push(`u ${call?.id ?? 'null'}`);
        return value;
      },
    };
  }

  /**
   * `i(call, X)`: X seen through a wrapper whose iterator steps (next/return/throw) run with
   * `call` current, so a generator driven by `for await` / `yield*` gets it as parent. The
   * wrapper offers exactly the iteration protocols X offers (a sync iterable under `for await`
   * must stay sync, or the language's async-from-sync wrapping, and its timing, would change).
   */
  private iterateAs(call: RecordedCall, iterable: unknown): unknown {
    const source = iterable as Record<symbol, (() => Record<string, unknown>) | undefined>;
    const wrapped: Record<symbol, () => unknown> = {};
    for (const protocol of [Symbol.asyncIterator, Symbol.iterator]) {
      const open = source[protocol];
      if (typeof open !== 'function') continue;
      wrapped[protocol] = () => {
        const iterator = open.call(iterable);
        const step: Record<string, unknown> = {};
        for (const name of ['next', 'return', 'throw']) {
          const method = iterator[name];
          if (typeof method !== 'function') continue;
          step[name] = (...args: unknown[]) => {
            const previous = this.current;
            this.current = call;
            try {
              return (method as (...a: unknown[]) => unknown).apply(iterator, args);
            } finally {
              this.current = previous;
            }
          };
        }
        return step;
      };
    }
    return wrapped;
  }

  /** Calls of `id`, in order. */
  callsOf(id: string): RecordedCall[] {
    return this.calls.filter((call) => call.id === id);
  }
}

/** A CommonJS-style module evaluated in this realm (so it sees the probe host on globalThis). */
export function evaluateCommonJs(code: string, filename: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  // The wrapper sits on line 1 so that line numbers stay the file's own.
  const wrapper = runInThisContext(`(function (exports, module) {${code}\n})`, { filename }) as (
    exports: unknown,
    module: unknown,
  ) => void;
  wrapper.call(module.exports, module.exports, module);
  return module.exports;
}

/** Transforms, failing the test on warnings. */
export function instrument(code: string, options: Partial<TransformOptions> = {}): ReturnType<typeof transformSource> {
  const result = transformSource(code, { filename: '/project/src/fixture.js', root: '/project', ...options });
  if (result.warnings.length > 0) throw new Error(result.warnings.join('\n'));
  return result;
}
