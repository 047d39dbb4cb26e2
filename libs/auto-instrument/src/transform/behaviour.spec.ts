import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { evaluateCommonJs, instrument, ProbeHost } from '../test-support/probe-host';

const FIXTURE = join(__dirname, '__fixtures__', 'behaviour.cjs');
const source = readFileSync(FIXTURE, 'utf8');
const file = 'src/transform/__fixtures__/behaviour.cjs';
const root = join(__dirname, '..', '..');

type Run = () => Promise<unknown[]>;

let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});

function load(code: string): Record<string, unknown> {
  return evaluateCommonJs(code, FIXTURE);
}

describe('instrumented code keeps its behaviour', () => {
  const { code, nodes } = instrument(source, { filename: FIXTURE, root, sourceType: 'script' });

  it('keeps the line count and every line of the original below the prologue', () => {
    expect(code.split('\n')).toHaveLength(source.split('\n').length);
    expect(nodes.length).toBeGreaterThan(30);
    expect(nodes.every((node) => node.ast_node_id.startsWith(`${file}:`))).toBe(true);
  });

  it('gives the same observations with a probe host installed and without one', async () => {
    const expected = await (load(source).run as Run)();
    const withoutHost = await (load(code).run as Run)();
    expect(withoutHost).toEqual(expected);

    const host = new ProbeHost();
    uninstall = host.install();
    const withHost = await (load(code).run as Run)();
    expect(withHost).toEqual(expected);
    expect(host.descriptors).toEqual([{ file, nodes }]);
    expect(host.problems).toEqual([]);
  });

  it('opens one call per invocation and closes each exactly once, with the caller as parent', async () => {
    const host = new ProbeHost();
    uninstall = host.install();
    await (load(code).run as Run)();
    expect(host.calls.filter((call) => call.exited !== 1).map((call) => call.id)).toEqual([]);

    const id = (name: string, kind: string): string => `${file}:${name}:${kind}`;
    expect(host.callsOf(id('add', 'function')).map((call) => [call.args, call.result])).toEqual([
      [[1, 2, []], 3],
      [[1, 2, []], 3],
      [[1, 2, [3, 4]], 5],
    ]);
    const [baseGreet] = host.callsOf(id('Base.greet', 'method'));
    expect(baseGreet?.parent?.id).toBe(id('Derived.greet', 'method'));
    expect(baseGreet?.parent?.parent?.id).toBe(id('run', 'function'));
    const [baseConstructor] = host.callsOf(id('Base.constructor', 'constructor'));
    expect(baseConstructor?.parent?.id).toBe(id('Derived.constructor', 'constructor'));
    expect(host.callsOf(id('hoisted/inner', 'function'))[0]?.parent?.id).toBe(id('hoisted', 'function'));
    const [thrower] = host.callsOf(id('thrower', 'function'));
    expect(thrower?.error).toBeInstanceOf(Error);
    expect((thrower?.error as Error).message).toBe('boom');

    // Generators: entry on first resume, one exit on completion, return() or throw().
    const counters = host.callsOf(id('counter', 'function'));
    expect(counters).toHaveLength(4);
    expect(counters[0]?.result).toEqual(['a', 'b', 'c']);
    expect(counters[1]?.exited).toBe(1);
    expect((counters[2]?.error as Error).message).toBe('boom');
    // Async: suspended at each await, current again on resumption (also in catch and finally).
    const [work] = host.callsOf(id('asyncWork', 'function'));
    expect(work?.suspended).toBe(3);
    expect(work?.resumed).toBe(4);
    expect(work?.result).toBe(1);
    const [consume] = host.callsOf(id('consume', 'function'));
    expect(consume?.result).toEqual([1, 2, 'a', 'b']);
    // Generators driven by `for await` / `yield*` run their steps inside i(): the driving function
    // is their parent, not its caller.
    expect(host.callsOf(id('asyncGen', 'function'))[0]?.parent?.id).toBe(id('consume', 'function'));
    expect(counters[3]?.parent?.id).toBe(id('delegating', 'function'));
  });

  it('nests synchronous calls like the real call tree (the current pointer is restored on exit)', () => {
    const host = new ProbeHost();
    uninstall = host.install();
    const exports = load(
      instrument(
        `function leaf(n) { return n; }
         function middle(n) { return leaf(n) + leaf(n + 1); }
         function top() { try { middle(1); fail(); } catch (e) { return middle(2); } }
         function fail() { throw new TypeError('no'); }
         module.exports = { top };`,
        { sourceType: 'script' },
      ).code,
    );
    expect((exports.top as () => number)()).toBe(5);
    const tree = host.calls.map((call) => `${call.id.split(':')[1] ?? ''}<${call.parent?.id.split(':')[1] ?? ''}`);
    expect(tree).toEqual([
      'top<',
      'middle<top',
      'leaf<middle',
      'leaf<middle',
      'fail<top',
      'middle<top',
      'leaf<middle',
      'leaf<middle',
    ]);
  });

  it('keeps sloppy mode sloppy and function-level "use strict" strict', () => {
    const { code: sloppy } = instrument(
      `function loose() { return typeof this; }
       function strict() { 'use strict'
         return typeof this; }
       module.exports = { loose, strict, src: strict.toString() };`,
      { sourceType: 'script' },
    );
    const { loose, strict } = load(sloppy) as Record<string, () => string>;
    expect(loose?.()).toBe('object');
    expect(strict?.()).toBe('undefined');
  });

  it('keeps fn.length and fn.name of every kind of function', () => {
    const { code: named } = instrument(
      `const arrow = (a, b) => a;
       const fnExpr = function (a, b = 1, c) {};
       const obj = { method(a, ...r) {}, get g() { return 1; } };
       class K { constructor(a, b) {} static s(a) {} }
       module.exports = [arrow, fnExpr, obj.method, K, K.s].map((f) => [f.name, f.length])
         .concat([[Object.getOwnPropertyDescriptor(obj, 'g').get.name, 0]]);`,
      { sourceType: 'script' },
    );
    expect(load(named)).toEqual([
      ['arrow', 2],
      ['fnExpr', 1],
      ['method', 1],
      ['K', 2],
      ['s', 1],
      ['get g', 0],
    ]);
  });
});
