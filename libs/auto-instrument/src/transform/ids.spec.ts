import { describe, expect, it } from 'vitest';

import { instrument } from '../test-support/probe-host';
import { transformSource } from './transform-source';

const ids = (code: string, filename = '/project/src/app.ts'): string[] =>
  instrument(code, { filename, root: '/project' }).nodes.map((node) => node.ast_node_id);

describe('ids', () => {
  it('names every construct by path, qualified name and kind', () => {
    const code = `
      export function main() {
        const helper = function () {};
        [1].map((x) => x * 2);
        [2].forEach(function (y) {});
        [3].map(async (z) => z);
      }
      export class OrderService extends Base {
        #items = [];
        handler = () => 1;
        callback = function () {};
        constructor(private readonly repo: Repo) { super(); }
        place(order: Order) { return order; }
        static create() { return new OrderService(); }
        get size() { return 1; }
        set size(v: number) {}
        static get zero() { return 0; }
        static set zero(v: number) {}
        async load() {}
        *items() {}
        async *stream() {}
        #secret() {}
        [Symbol.iterator]() {}
        'quoted-name'() {}
      }
      export const api = {
        get() {},
        users: { list: async () => [] },
        get total() { return 0; },
        set total(v) {},
        plain: function () {},
      };
      module.exports.legacy = function () {};
      export default function () {}
      function makeShop() { class Shop { add() {} } return Shop; }
    `;
    expect(ids(code)).toEqual([
      'src/app.ts:main:function',
      'src/app.ts:main/helper:function',
      'src/app.ts:main/arrow#1',
      'src/app.ts:main/function#1',
      'src/app.ts:main/arrow#2',
      'src/app.ts:OrderService.handler:arrow',
      'src/app.ts:OrderService.callback:function',
      'src/app.ts:OrderService.constructor:constructor',
      'src/app.ts:OrderService.place:method',
      'src/app.ts:OrderService.create:static-method',
      'src/app.ts:OrderService.size:getter',
      'src/app.ts:OrderService.size:setter',
      'src/app.ts:OrderService.zero:static-getter',
      'src/app.ts:OrderService.zero:static-setter',
      'src/app.ts:OrderService.load:method',
      'src/app.ts:OrderService.items:method',
      'src/app.ts:OrderService.stream:method',
      'src/app.ts:OrderService.#secret:method',
      'src/app.ts:OrderService.[Symbol.iterator]:method',
      'src/app.ts:OrderService.quoted-name:method',
      'src/app.ts:api.get:method',
      'src/app.ts:api.users.list:arrow',
      'src/app.ts:api.total:getter',
      'src/app.ts:api.total:setter',
      'src/app.ts:api.plain:function',
      'src/app.ts:module.exports.legacy:function',
      'src/app.ts:default:function',
      'src/app.ts:makeShop:function',
      'src/app.ts:makeShop/Shop.add:method',
    ]);
  });

  it('numbers anonymous functions per enclosing name and kind, at top level under <module>', () => {
    const code = `
      setTimeout(() => {});
      setTimeout(function () {});
      setTimeout(() => { [1].map(() => 0); });
      class A { static { run(() => 1); } field = wrap(() => 2); }
      foo({ [dynamic()]() {} });
    `;
    expect(ids(code, '/project/src/app.js')).toEqual([
      'src/app.js:<module>/arrow#1',
      'src/app.js:<module>/function#1',
      'src/app.js:<module>/arrow#2',
      'src/app.js:<module>/arrow#2/arrow#1',
      'src/app.js:A/arrow#1',
      'src/app.js:A/arrow#2',
      'src/app.js:<module>/method#1',
    ]);
  });

  it('names export default arrows and classes `default`, and unwraps TypeScript wrappers', () => {
    expect(ids('export default () => 1;', '/project/a.ts')).toEqual(['a.ts:default:arrow']);
    expect(ids('export default class { run() {} }', '/project/a.ts')).toEqual(['a.ts:default.run:method']);
    expect(ids('const f = ((x: number) => x) as Fn; const g = (() => 1)!;', '/project/a.ts')).toEqual([
      'a.ts:f:arrow',
      'a.ts:g:arrow',
    ]);
  });

  it('appends #2, #3 to repeated ids in one file', () => {
    const code = `if (a) { var f = () => 1; } else { var f = () => 2; } f = () => 3;`;
    expect(ids(code, '/project/a.js')).toEqual(['a.js:f:arrow', 'a.js:f:arrow#2', 'a.js:f:arrow#3']);
  });

  it('skips functions without a body (overloads, declare, abstract) without consuming ordinals', () => {
    const code = `
      function over(a: string): void;
      function over(a: number): void;
      function over(a: unknown) {}
      declare function ambient(): void;
      abstract class Shape { abstract area(): number; m(): void; m(x?: number) {} }
      run(() => 1);
    `;
    expect(ids(code)).toEqual(['src/app.ts:over:function', 'src/app.ts:Shape.m:method', 'src/app.ts:<module>/arrow#1']);
  });

  it('shortens ids over 128 characters deterministically, keeping long ids distinct', () => {
    const long = 'a'.repeat(140);
    const code = `const ${long}1 = () => 1; const ${long}2 = () => 2;`;
    const [first, second] = ids(code, '/project/a.js');
    expect(first).toHaveLength(128);
    expect(first).toMatch(/^a\.js:a+~[0-9a-f]{16}$/);
    expect(second).toHaveLength(128);
    expect(first).not.toBe(second);
    expect(ids(code, '/project/a.js')[0]).toBe(first);
  });

  it('keeps ids when a function is added above or a body is edited', () => {
    const before = `
      function main() { return [1].map((x) => x); }
      class Shop { add(item) { return item; } }
      const api = { get() { return 1; } };
    `;
    const after = `
      function addedAbove() { return 42; }
      function main() { const extra = 1; return [1].map((x) => x + extra); }
      class Shop { add(item) { console.log(item); return item; } }
      const api = { get() { return 2; } };
    `;
    const idsBefore = ids(before, '/project/a.js');
    const idsAfter = ids(after, '/project/a.js');
    expect(idsAfter).toEqual(['a.js:addedAbove:function', ...idsBefore]);
    // The manifest tells the edit: lines move by one, hashes of edited bodies change.
    const nodesBefore = instrument(before, { filename: '/project/a.js' }).nodes;
    const nodesAfter = instrument(after, { filename: '/project/a.js' }).nodes.slice(1);
    expect(nodesAfter.map((n) => n.line)).toEqual(nodesBefore.map((n) => n.line + 1));
    expect(nodesAfter[0]?.hash).not.toBe(nodesBefore[0]?.hash);
  });

  it('gives the same output for two checkouts at different absolute paths', () => {
    const code = 'export function main() { return () => 1; }';
    const a = transformSource(code, { filename: '/home/alice/shop/src/main.ts', root: '/home/alice/shop' });
    const b = transformSource(code, { filename: '/srv/ci/build-7/src/main.ts', root: '/srv/ci/build-7' });
    expect(a.code).toBe(b.code);
    expect(a.nodes).toEqual(b.nodes);
    expect(a.nodes[0]?.ast_node_id).toBe('src/main.ts:main:function');
    const windows = transformSource(code, {
      filename: 'file:///home/alice/shop/src/main.ts',
      root: '/home/alice/shop',
    });
    expect(windows.code).toBe(a.code);
  });
});
