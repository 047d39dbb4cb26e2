import { describe, expect, it } from 'vitest';

import { evaluateCommonJs, instrument } from '../test-support/probe-host';
import { INSTRUMENTED_MARKER } from './manifest';
import { transformSource } from './transform-source';

const options = { filename: '/project/src/broken.ts', root: '/project' };

describe('transformSource', () => {
  it('leaves a file it cannot parse unchanged, with a warning naming the file and position', () => {
    const code = 'export function ok() {}\nconst x = ;\n';
    const result = transformSource(code, options);
    expect(result.instrumented).toBe(false);
    expect(result.code).toBe(code);
    expect(result.nodes).toEqual([]);
    expect(result.warnings).toEqual(['src/broken.ts: not instrumented: Unexpected token at 2:11']);
  });

  it('never throws, even for input that is not a string of code', () => {
    const result = transformSource(undefined as unknown as string, options);
    expect(result.instrumented).toBe(false);
    expect(result.warnings[0]).toMatch(/^src\/broken\.ts: not instrumented: /);
  });

  it('leaves already-instrumented input and files without functions alone', () => {
    const once = instrument('function f() { return 1; }');
    expect(once.instrumented).toBe(true);
    expect(once.code.startsWith(INSTRUMENTED_MARKER)).toBe(true);
    const twice = instrument(once.code);
    expect(twice).toMatchObject({ instrumented: false, code: once.code, nodes: [] });
    // A bundler that drops comments (esbuild keeps only legal ones) leaves the probe lookup.
    const bundled = once.code
      .replace(INSTRUMENTED_MARKER, '')
      .replace(/'temporal-bridge\.probes'/, '"temporal-bridge.probes"');
    expect(bundled).not.toContain(INSTRUMENTED_MARKER);
    expect(instrument(bundled)).toMatchObject({ instrumented: false, code: bundled, nodes: [] });
    const plain = instrument('const a = 1;\nexport { a };');
    expect(plain).toMatchObject({ instrumented: false, code: 'const a = 1;\nexport { a };', nodes: [] });
  });

  it('puts the prologue after a hashbang and the directive prologue, on an existing line', () => {
    const code = '#!/usr/bin/env node\n"use strict"\nfunction f() { return this; }\nmodule.exports = f();\n';
    const result = instrument(code, { sourceType: 'script' });
    const lines = result.code.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('#!/usr/bin/env node');
    expect(
      lines[1]?.startsWith(`"use strict";${INSTRUMENTED_MARKER}var __tb = __tb$init(); function __tb$init() `),
    ).toBe(true);
    // Still strict: `this` of a plain call is undefined.
    expect(evaluateCommonJs(result.code.replace(/^#!.*/, ''), '/project/src/fixture.js')).toBeUndefined();
  });

  it('renames its identifiers when the file already uses __tb', () => {
    const result = instrument('const __tb = 1, __tb1 = 2; module.exports = () => __tb + __tb1;', {
      sourceType: 'script',
    });
    expect(result.code).toContain('var __tb2 = ');
    expect(result.code).toContain('__tb2$c');
    expect((evaluateCommonJs(result.code, '/project/src/fixture.js') as unknown as () => number)()).toBe(3);
  });

  it('keeps sequence expressions whole in returns and arrow bodies, and bare yields', () => {
    const result = instrument(
      `let n = 0;
       const inc = () => (n++, n);
       function seq() { return n++, n; }
       function* g() { const a = yield; return yield; }
       const it = g(); it.next(); it.next(1);
       module.exports = [inc(), seq(), it.next(2)];`,
      { sourceType: 'script' },
    );
    expect(evaluateCommonJs(result.code, '/project/src/fixture.js')).toEqual([1, 2, { value: 2, done: true }]);
  });

  it('keeps labels on `for await` loops so labelled continue still works', async () => {
    const result = instrument(
      `module.exports = async function () {
         const out = [];
         a: b: for await (const x of [1, 2, 3]) { if (x === 2) continue a; out.push(x); }
         for await (const y of [4]) out.push(y)
         return out;
       };`,
      { sourceType: 'script' },
    );
    expect(result.code).toContain('{ a: b: for await');
    const run = evaluateCommonJs(result.code, '/project/src/fixture.js') as unknown as () => Promise<number[]>;
    expect(await run()).toEqual([1, 3, 4]);
  });

  it('emits a source map of the edit that points back at the original columns', () => {
    const result = instrument('function f(a) {\n  return a;\n}\n');
    expect(result.map?.sources).toEqual(['fixture.js']);
    expect(result.map?.mappings.length).toBeGreaterThan(0);
    expect(instrument('function f() {}', { sourceMap: false }).map).toBeUndefined();
  });

  it('parses JSX and TSX by extension and keeps the markup', () => {
    const jsx = instrument('export const App = ({ name }) => <div onClick={() => go(name)}>{name}</div>;', {
      filename: '/project/src/app.jsx',
    });
    expect(jsx.nodes.map((n) => n.ast_node_id)).toEqual(['src/app.jsx:App:arrow', 'src/app.jsx:App/arrow#1']);
    expect(jsx.code).toContain('return __tb.r(__tb$c, <div onClick={() => {');
    const tsx = instrument('export function List<T>({ items }: { items: T[] }) { return <ul>{items.length}</ul>; }', {
      filename: '/project/src/list.tsx',
    });
    expect(tsx.nodes.map((n) => n.ast_node_id)).toEqual(['src/list.tsx:List:function']);
    expect(tsx.code).toContain('__tb.c(0, [{items}])');
  });

  it('keeps minified code valid where an insertion follows a keyword (return[a], await(x), of[...])', async () => {
    const result = instrument(
      'async function g(x){const y=await(x);const o=[];for await(const z of[y,2])o.push(z);return[o,typeof"s"]}' +
        'function*h(){yield[1];yield*[2];return"r"}module.exports={g,h};',
      { sourceType: 'script' },
    );
    const { g, h } = evaluateCommonJs(result.code, '/project/src/fixture.js') as {
      g: (x: number) => Promise<unknown>;
      h: () => Iterable<unknown>;
    };
    expect(await g(1)).toEqual([[1, 2], 'string']);
    expect([...h()]).toEqual([[1], 2]);
  });
});
