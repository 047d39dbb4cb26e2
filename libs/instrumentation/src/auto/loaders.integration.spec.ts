import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  autoEnv,
  byIdWithoutService,
  callTree,
  countsOf,
  expectNamesAtTheirLines,
  expectOneExitPerEntry,
  fixtureProjectSuite,
  node22,
  readManifest,
  REGISTER,
  type Run,
  runBinary,
  runNode,
  TAP,
  tapResult,
  TS_NODE_ESM,
  TS_NODE_REGISTER,
  TSX,
} from './test-support/auto-app';

/**
 * The hook beyond Node 20 + tsx (fixture-projects.integration.spec.ts): on Node 22
 * (module.registerHooks, and Node's own type stripping) and under ts-node. Each run is compared
 * with the same fixture under the Node 20 hook: the suite's result unchanged, the same ids and
 * positions (those of the original TypeScript), the same calls, one exit per entry.
 */
const fixtures = fixtureProjectSuite();
let NODE22 = '';
const DEBUG_LINE = (hook: string): string =>
  `temporal-bridge: module hooks: ${hook} for ES modules, Module.prototype._compile for CommonJS\n`;

/** One hooked run: its result, stored events and manifest (by id, without the service). */
async function hooked(run: Promise<Run>, service: string, manifest: string) {
  const result = await run;
  const events = await fixtures.server.eventsOf(service);
  return { result, events, manifest: byIdWithoutService(readManifest(manifest)) };
}

const env = (service: string, manifest: string, debug = true): Record<string, string> => ({
  ...autoEnv(fixtures.server.url, service, manifest),
  ...(debug ? { TB_DEBUG: '1' } : {}),
});

beforeAll(() => {
  NODE22 = node22();
});

describe('Node 22', () => {
  it('runs the pinned Node 22, which has module.registerHooks and strips types', async () => {
    const probe = await runBinary(NODE22, process.cwd(), [
      '-p',
      'process.version + " " + typeof require("node:module").registerHooks',
    ]);
    expect(probe.stdout).toMatch(/^v22\.\d+\.\d+ function\n$/);
  });

  it('library-js: --import register takes module.registerHooks; suite unchanged, same ids and calls as on Node 20', async () => {
    const app = fixtures.checkout('library-js');
    const suite = [TAP, 'test/suite.js'];
    const plain = await runBinary(NODE22, app, suite);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('# pass 11\n# fail 0\n');
    const on22 = await hooked(
      runBinary(NODE22, app, ['--import', REGISTER, ...suite], env('library-js-22', join(app, '22.jsonl'))),
      'library-js-22',
      join(app, '22.jsonl'),
    );
    expect({ code: on22.result.code, tap: tapResult(on22.result.stdout), stderr: on22.result.stderr }).toEqual({
      code: 0,
      tap: tapResult(plain.stdout),
      stderr: DEBUG_LINE('module.registerHooks'),
    });
    const on20 = await hooked(
      runNode(app, ['--import', REGISTER, ...suite], env('library-js-20', join(app, '20.jsonl'))),
      'library-js-20',
      join(app, '20.jsonl'),
    );
    expect(on20.result.stderr).toBe(DEBUG_LINE('module.register'));

    // ES modules and CommonJS (.cjs required and importing ES modules) alike.
    expect(on22.manifest).toEqual(on20.manifest);
    expect([...on22.manifest.keys()].some((id) => id.startsWith('src/catalog/shelf.cjs:'))).toBe(true);
    expectOneExitPerEntry(on22.events);
    expect(countsOf(on22.events)).toEqual(countsOf(on20.events));
    expect(callTree(on22.events).errorsByNode).toEqual(callTree(on20.events).errorsByNode);
  }, 120_000);

  it("stripped-ts: Node's own type stripping (no loader); same ids and positions as tsx on Node 20", async () => {
    const app = fixtures.checkout('stripped-ts');
    const suite = [TAP, 'test/suite.ts'];
    const plain = await runBinary(NODE22, app, suite);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('# pass 3\n# fail 0\n');
    const on22 = await hooked(
      runBinary(NODE22, app, ['--import', REGISTER, ...suite], env('stripped-22', join(app, '22.jsonl'))),
      'stripped-22',
      join(app, '22.jsonl'),
    );
    expect({ code: on22.result.code, tap: tapResult(on22.result.stdout), stderr: on22.result.stderr }).toEqual({
      code: 0,
      tap: tapResult(plain.stdout),
      stderr: DEBUG_LINE('module.registerHooks'),
    });
    const tsx20 = await hooked(
      runNode(app, ['--import', REGISTER, '--import', TSX, ...suite], env('stripped-20', join(app, '20.jsonl'))),
      'stripped-20',
      join(app, '20.jsonl'),
    );
    // Node 20's TAP reporter writes a little differently: compared with Node 20's own run.
    const plain20 = await runNode(app, ['--import', TSX, ...suite]);
    expect(plain20.stdout).toContain('# pass 3\n# fail 0\n');
    expect({ code: tsx20.result.code, tap: tapResult(tsx20.result.stdout) }).toEqual({
      code: 0,
      tap: tapResult(plain20.stdout),
    });

    // The ES modules: identical nodes (ids, lines, columns, hashes). Stripping keeps every position
    // (types become blanks), tsx's are the source's own (register first: the hook sees the file).
    const esm = (manifest: typeof on22.manifest) => [...manifest].filter(([id]) => !id.startsWith('src/rounding.cts'));
    expect(esm(on22.manifest)).toEqual(esm(tsx20.manifest));
    expect(esm(on22.manifest).map(([id]) => id)).toEqual(
      expect.arrayContaining([
        'src/cart.ts:Cart.constructor:constructor',
        'src/cart.ts:Cart.owner:getter',
        'src/cart.ts:Cart.owner:setter',
        'src/cart.ts:Cart.total:method',
        'src/cart.ts:Cart.of:static-method',
        'src/util.ts:batches:function',
        'src/util.ts:parseQuantity:arrow',
      ]),
    );
    // The CommonJS .cts, required from an ES module: stripped by Node (22) or compiled by tsx (20),
    // the same node at the same place; tsx's CommonJS output adds its __name helper (README).
    const round = 'src/rounding.cts:round:function';
    const place = ({ hash: _hash, ...node }: NonNullable<ReturnType<typeof on22.manifest.get>>) => node;
    expect(place(on22.manifest.get(round)!)).toEqual(place(tsx20.manifest.get(round)!));
    expect([...on22.manifest.keys()].filter((id) => id.startsWith('src/rounding.cts'))).toEqual([round]);

    // Lines and columns are those of the TypeScript: after a type that spans lines too.
    expectNamesAtTheirLines(app, on22.manifest.values());
    const source = readFileSync(join(app, 'src/cart.ts'), 'utf8').split('\n');
    const mapArrow = on22.manifest.get('src/cart.ts:Cart.total/arrow#2')!;
    expect(source[mapArrow.line - 1]!.slice(mapArrow.column - 1)).toMatch(/^\(line\) => line\.price/);

    expectOneExitPerEntry(on22.events);
    const without = (counts: Record<string, number>) =>
      Object.fromEntries(Object.entries(counts).filter(([id]) => id !== 'src/rounding.cts:__name:arrow'));
    expect(countsOf(on22.events)).toEqual(without(countsOf(tsx20.events)));
    expect(countsOf(on22.events)[round]).toBe(1); // the second total does not round
    expect(callTree(on22.events).errorsByNode).toEqual({
      'src/cart.ts:Cart.owner:setter': 1,
      'src/util.ts:parseQuantity:arrow': 1,
    });
  }, 120_000);
});

describe('ts-node (Node 20)', () => {
  // ts-node compiles without type checking (as fleets run it) to NodeNext modules: orders-ts has no tsconfig.
  const tsNode = {
    TS_NODE_TRANSPILE_ONLY: '1',
    TS_NODE_COMPILER_OPTIONS: '{"module":"NodeNext","moduleResolution":"NodeNext"}',
  };
  let app = '';
  let tsx: { events: SerializedEvent[]; manifest: Map<string, unknown> } | undefined;

  beforeAll(async () => {
    app = fixtures.checkout('orders-ts');
    tsx = await hooked(
      runNode(
        app,
        ['--import', REGISTER, '--import', TSX, TAP, 'test/suite.ts'],
        env('orders-tsx', join(app, 'tsx.jsonl'), false),
      ),
      'orders-tsx',
      join(app, 'tsx.jsonl'),
    );
  }, 60_000);

  it('orders-ts under --require ts-node/register and its ESM loader: ids and lines of the TypeScript, through its inline source maps', async () => {
    const loaders = ['--require', TS_NODE_REGISTER, '--import', TS_NODE_ESM];
    const suite = [TAP, 'test/suite.ts'];
    const plain = await runNode(app, [...loaders, ...suite], tsNode);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('# pass 11\n# fail 0\n');
    const run = await hooked(
      runNode(app, [...loaders, '--import', REGISTER, ...suite], {
        ...env('orders-ts-node', join(app, 'ts-node.jsonl'), false),
        ...tsNode,
      }),
      'orders-ts-node',
      join(app, 'ts-node.jsonl'),
    );
    expect({ code: run.result.code, tap: tapResult(run.result.stdout), stderr: run.result.stderr }).toEqual({
      code: 0,
      tap: tapResult(plain.stdout),
      stderr: '',
    });

    // ts-node hands the hook compiled JavaScript (ES modules and CommonJS) with inline maps: the
    // nodes are tsx's (where the hook sees the TypeScript itself), exported functions included,
    // plus the .cts that tsx compiles out of the hook's sight (fixture-projects spec).
    const legacy = ['src/legacy/tax.cts:roundedFib:function', 'src/legacy/tax.cts:withTax:function'];
    expect(new Map([...run.manifest].filter(([id]) => !legacy.includes(id)))).toEqual(tsx!.manifest);
    expect([...run.manifest.keys()].filter((id) => legacy.includes(id)).sort()).toEqual(legacy);
    // `export function fib(`: tsc maps the function to the space after `export` (fixed in the transform).
    expect(run.manifest.get('src/util/math.ts:fib:function')).toMatchObject({ line: 1, column: 8, end_line: 3 });
    expectNamesAtTheirLines(app, run.manifest.values());

    expectOneExitPerEntry(run.events);
    const counts = countsOf(run.events);
    expect(Object.fromEntries(Object.entries(counts).filter(([id]) => !legacy.includes(id)))).toEqual(
      countsOf(tsx!.events),
    );
    expect(callTree(run.events).parentIds('src/legacy/tax.cts:withTax:function')).toEqual([
      'src/orders/service.ts:OrderService.place:method',
      'src/legacy/tax.cts:roundedFib:function',
    ]);
  }, 120_000);
});
