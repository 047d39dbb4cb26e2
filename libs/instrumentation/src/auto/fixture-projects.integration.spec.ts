import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type * as Plugin from '@temporal-bridge/auto-instrument/plugin';
import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { repoPath } from '@temporal-bridge/testing';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  args,
  autoEnv,
  byIdWithoutService,
  callTree,
  countsOf,
  entries,
  expectNamesAtTheirLines,
  expectOneExitPerEntry,
  fixtureProjectSuite,
  readManifest,
  REGISTER,
  runNode,
  sorted,
  TAP,
  tapResult,
  TSX,
} from './test-support/auto-app';

/**
 * Two fixture projects, one in TypeScript (run through tsx) and one in plain
 * JavaScript, each with its own node:test suite: the suite passes unchanged
 * under the hook and bundled with the plugin, and the events stored by the
 * real standalone server show the expected ids, one exit per entry, the real
 * call tree and errors where thrown. Also: the ids are the same across runs,
 * checkouts and unrelated edits, and the manifest points at the right lines.
 */
const fixtures = fixtureProjectSuite();
const env = (service: string, manifest: string): Record<string, string> =>
  autoEnv(fixtures.server.url, service, manifest);

describe('orders-ts: a TypeScript project run through tsx', () => {
  let app = '';
  let manifest = '';
  beforeAll(() => {
    app = fixtures.checkout('orders-ts');
    manifest = join(app, 'hook.jsonl');
  });
  const suite = ['--import', TSX, TAP, 'test/suite.ts'];

  it('passes its own suite unchanged under --import register --import tsx; ids, exits, call tree and errors as the code runs', async () => {
    const plain = await runNode(app, suite);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('# pass 11\n# fail 0\n');
    const service = 'orders-ts-hook';
    const hooked = await runNode(app, ['--import', REGISTER, ...suite], env(service, manifest));
    expect({ code: hooked.code, tap: tapResult(hooked.stdout), stderr: hooked.stderr }).toEqual({
      code: 0,
      tap: tapResult(plain.stdout),
      stderr: '',
    });

    const events = await fixtures.server.eventsOf(service);
    const exits = expectOneExitPerEntry(events);
    const { calls, parentOf, parentIds, errorsByNode } = callTree(events);
    const called = new Set(calls.map((e) => e.ast_node_id!));
    const nodes = readManifest(manifest);
    // The suite calls every function the hook instrumented, and nothing it did not.
    expect(sorted(called)).toEqual(sorted(new Set(nodes.map((n) => n.ast_node_id))));
    expect(sorted(called)).toEqual(
      expect.arrayContaining([
        'src/orders/service.ts:OrderService.place:method',
        'src/orders/service.ts:OrderService.constructor:constructor',
        'src/orders/service.ts:OrderService.label:getter',
        'src/orders/service.ts:OrderService.label:setter',
        'src/orders/service.ts:OrderService.fromConfig:static-method',
        'src/orders/service.ts:OrderService.place/arrow#2',
        'src/orders/base.ts:BaseService.constructor:constructor',
        'src/orders/base.ts:BaseService.record:method',
        'src/orders/repo.ts:Repo.pages:method',
        'src/orders/repo.ts:Repo.size:getter',
        'src/util/math.ts:counter/next:arrow',
        'src/util/math.ts:counter/reset:method',
        'src/util/math.ts:delay/arrow#1/onDelay:function',
        'src/crash.ts:readQuantity:function',
        'test/math.test.ts:<module>/arrow#1/arrow#6',
      ]),
    );
    // With register first, tsx compiles a .cts imported from an ES module itself, from the file on disk,
    // and Node runs it without _compile: no hook sees it (README, "TypeScript"); tsx first does (below).
    expect([...called].filter((id) => id.startsWith('src/legacy/'))).toEqual([]);

    // super(): the base constructor runs inside the derived one, super.describe() inside the override.
    expect(parentIds('src/orders/base.ts:BaseService.constructor:constructor')).toEqual(
      Array<string>(3).fill('src/orders/service.ts:OrderService.constructor:constructor'),
    );
    expect(parentIds('src/orders/base.ts:BaseService.describe:method')).toEqual([
      'src/orders/service.ts:OrderService.describe:method',
    ]);
    // async/await and a promise chain: place -> map arrow -> priceOf (-> its timer promise);
    // after the awaits, place saves and records; the save's reactions belong to save.
    const [place] = entries(events, 'src/orders/service.ts:OrderService.place:method').filter(
      (e) => args(e).length === 2,
    );
    expect(args(place!)).toEqual([['tea', 'cake'], 10]);
    const priced = entries(events, 'src/orders/service.ts:OrderService.priceOf:method');
    expect(priced.map(args)).toEqual([['tea'], ['cake']]);
    for (const call of priced) {
      expect(parentOf(call)?.ast_node_id).toBe('src/orders/service.ts:OrderService.place/arrow#1');
      expect(parentOf(parentOf(call)!)).toBe(place);
      expect(call.trace_id).toBe(place!.trace_id);
    }
    const saves = entries(events, 'src/orders/repo.ts:Repo.save:method');
    expect(saves.filter((e) => parentOf(e) === place)).toHaveLength(1);
    expect(parentIds('src/orders/repo.ts:Repo.save:method').filter((id) => id !== place!.ast_node_id)).toEqual(
      Array<string>(5).fill('test/math.test.ts:<module>/arrow#1/arrow#6'),
    );
    for (const reaction of ['src/orders/repo.ts:Repo.save/arrow#1', 'src/orders/repo.ts:Repo.save/arrow#2']) {
      expect(new Set(entries(events, reaction).map((e) => parentOf(e)))).toEqual(new Set(saves));
    }
    expect(entries(events, 'src/orders/base.ts:BaseService.record:method').map((e) => parentOf(e))).toEqual([place]);
    // Default parameters and a setter: fromConfig() takes its defaults (captured as the destructured
    // names hold them) and sets the label.
    expect(entries(events, 'src/orders/service.ts:OrderService.fromConfig:static-method').map(args)).toEqual([
      [{ name: 'configured', label: 'gold' }],
    ]);
    expect(entries(events, 'src/orders/service.ts:OrderService.label:setter').map(args)).toEqual([['gold'], ['']]);
    // Recursion: each fib(n) below the first is called by fib(n + 1) or fib(n + 2).
    const fibs = entries(events, 'src/util/math.ts:fib:function');
    expect(fibs).toHaveLength(25 + 177); // fib(6) from the suite, fib(10) from tax.cts
    for (const call of fibs) {
      const parent = parentOf(call);
      if (parent?.ast_node_id !== 'src/util/math.ts:fib:function') expect([[6], [10]]).toContainEqual(args(call));
      else expect([(args(parent)[0] as number) - 1, (args(parent)[0] as number) - 2]).toContain(args(call)[0]);
    }
    // A timer callback belongs to the call that scheduled it; generators to what drove them.
    expect(parentIds('src/util/math.ts:delay/arrow#1/onDelay:function')).toEqual(['src/util/math.ts:delay/arrow#1']);
    expect(parentIds('src/util/math.ts:delay/arrow#1')).toEqual(['src/util/math.ts:delay:arrow']);
    expect(parentIds('src/util/math.ts:range:function')).toEqual(['test/math.test.ts:<module>/arrow#1/arrow#2']);
    expect(parentIds('src/orders/repo.ts:Repo.pages:method')).toEqual(['test/math.test.ts:<module>/arrow#1/arrow#6']);
    expect(parentIds('src/orders/repo.ts:Repo.pages/arrow#1')).toEqual(
      Array<string>(3).fill('src/orders/repo.ts:Repo.pages:method'),
    );
    // Closures: next and reset run on the state counter() made.
    expect(parentIds('src/util/math.ts:counter/next:arrow')).toEqual(
      Array<string>(3).fill('test/math.test.ts:<module>/arrow#1/arrow#3'),
    );

    // Errors: one event where each was thrown, caught (setter, empty order, parseQuantity) or not (the child).
    expect(errorsByNode).toEqual({
      'src/orders/service.ts:OrderService.label:setter': 1,
      'src/orders/service.ts:OrderService.place:method': 1,
      'src/util/math.ts:parseQuantity:function': 2,
    });
    const [rejected] = entries(events, 'src/orders/service.ts:OrderService.place:method').filter(
      (e) => (args(e)[0] as unknown[]).length === 0,
    );
    expect(exits.get(rejected!.correlation_id)!.data?.['error']).toMatchObject({ name: 'RangeError' });
    // The child's uncaught error: its exits carry it up to the timer callback that ended the process.
    const [readQuantity] = entries(events, 'src/crash.ts:readQuantity:function');
    expect(exits.get(readQuantity!.correlation_id)!.data?.['error']).toMatchObject({ name: 'SyntaxError' });
    expect(parentOf(readQuantity!)?.ast_node_id).toBe('src/crash.ts:<module>/arrow#1');
    expect(readQuantity!.trace_id).not.toBe(place!.trace_id);
    const [caught] = entries(events, 'test/math.test.ts:<module>/arrow#1/arrow#5');
    expect(exits.get(caught!.correlation_id)!.data).toBeUndefined();
  }, 60_000);

  it('answers GET /v1/ast-nodes/{id} with the line of the original TypeScript', async () => {
    const service = 'orders-ts-hook';
    const source = (file: string): string[] => readFileSync(join(app, file), 'utf8').split('\n');
    for (const [id, file, text] of [
      ['src/orders/service.ts:OrderService.place:method', 'src/orders/service.ts', '  async place(items: string[]'],
      ['src/orders/base.ts:BaseService.constructor:constructor', 'src/orders/base.ts', '  constructor(readonly name'],
      ['src/util/math.ts:delay/arrow#1/onDelay:function', 'src/util/math.ts', '    setTimeout(function onDelay'],
      ['src/orders/repo.ts:Repo.pages:method', 'src/orders/repo.ts', '  async *pages(size: number)'],
    ] as const) {
      const response = await fetch(`${fixtures.server.url}/v1/ast-nodes/${encodeURIComponent(id)}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { ast_node_id: string; locations: Record<string, unknown>[] };
      const line = source(file).findIndex((l) => l.startsWith(text)) + 1;
      expect(line).toBeGreaterThan(0);
      expect(body.ast_node_id).toBe(id);
      expect(body.locations.filter((l) => l['service'] === service)).toEqual([expect.objectContaining({ file, line })]);
    }
    // An id nobody instrumented.
    expect(
      (await fetch(`${fixtures.server.url}/v1/ast-nodes/${encodeURIComponent('src/nowhere.ts:f:function')}`)).status,
    ).toBe(404);
  });

  it('instruments the .cts imported from an ES module when tsx runs first', async () => {
    const service = 'orders-ts-tsx-first';
    const result = await runNode(
      app,
      ['--import', TSX, '--import', REGISTER, TAP, 'test/suite.ts'],
      env(service, join(app, 'tsx-first.jsonl')),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('# pass 11\n# fail 0\n');
    const events = await fixtures.server.eventsOf(service);
    expectOneExitPerEntry(events);
    const { parentIds } = callTree(events);
    expect(parentIds('src/legacy/tax.cts:withTax:function')).toEqual([
      'src/orders/service.ts:OrderService.place:method',
      'src/legacy/tax.cts:roundedFib:function',
    ]);
  });

  it('gives the same ids across runs, checkouts at other paths and an unrelated edit; lines follow the edit', async () => {
    const first = byIdWithoutService(readManifest(manifest));
    const again = join(app, 'again.jsonl');
    const other = fixtures.checkout('orders-ts', join(tmpdir(), 'tb-elsewhere', 'deeper'));
    const runs = [
      runNode(app, ['--import', REGISTER, ...suite], { ...env('orders-ts-ids', again), TB_ENABLED: '0' }),
      runNode(other, ['--import', REGISTER, ...suite], {
        ...env('orders-ts-ids', join(other, 'm.jsonl')),
        TB_ENABLED: '0',
      }),
    ];
    for (const run of await Promise.all(runs)) expect(run.code).toBe(0);
    expect(byIdWithoutService(readManifest(again))).toEqual(first);
    expect(byIdWithoutService(readManifest(join(other, 'm.jsonl')))).toEqual(first);

    // An unrelated edit: a function added above fib, a method added above place.
    const edit = (file: string, before: string, added: string): void => {
      const path = join(other, file);
      const text = readFileSync(path, 'utf8');
      expect(text).toContain(before);
      writeFileSync(path, text.replace(before, `${added}${before}`));
    };
    edit(
      'src/util/math.ts',
      'export function fib',
      'export function square(n: number): number {\n  return n * n;\n}\n\n',
    );
    edit('src/orders/service.ts', '  async place(', '  audit(): string[] {\n    return [...this.log];\n  }\n\n');
    const edited = await runNode(other, ['--import', REGISTER, ...suite], {
      ...env('orders-ts-ids', join(other, 'edited.jsonl')),
      TB_ENABLED: '0',
    });
    expect(edited.code).toBe(0);
    const after = byIdWithoutService(readManifest(join(other, 'edited.jsonl')));
    expect(sorted(after.keys())).toEqual(
      sorted([...first.keys(), 'src/util/math.ts:square:function', 'src/orders/service.ts:OrderService.audit:method']),
    );
    const placeLine = first.get('src/orders/service.ts:OrderService.place:method')!.line;
    for (const [id, node] of first) {
      const shift =
        node.file === 'src/util/math.ts' || (node.file === 'src/orders/service.ts' && node.line >= placeLine) ? 4 : 0;
      expect(after.get(id), id).toEqual({ ...node, line: node.line + shift, end_line: node.end_line + shift });
    }
    // Every named node's line in the edited TypeScript is where its name is written.
    expectNamesAtTheirLines(other, after.values());
  });
});

describe('library-js: a JavaScript project, under the hook and bundled with the plugin', () => {
  let app = '';
  let hookEvents: SerializedEvent[] = [];
  let plainTap = '';
  beforeAll(() => {
    app = fixtures.checkout('library-js');
  });
  const suite = [TAP, 'test/suite.js'];

  it('passes its own suite unchanged under --import register; ids, exits, call tree and errors as the code runs', async () => {
    const plain = await runNode(app, suite);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('# pass 11\n# fail 0\n');
    plainTap = tapResult(plain.stdout);
    const service = 'library-js-hook';
    const manifest = join(app, 'hook.jsonl');
    const hooked = await runNode(app, ['--import', REGISTER, ...suite], env(service, manifest));
    expect({ code: hooked.code, tap: tapResult(hooked.stdout), stderr: hooked.stderr }).toEqual({
      code: 0,
      tap: plainTap,
      stderr: '',
    });

    const events = (hookEvents = await fixtures.server.eventsOf(service));
    const exits = expectOneExitPerEntry(events);
    const { calls, parentOf, parentIds, errorsByNode } = callTree(events);
    const called = new Set(calls.map((e) => e.ast_node_id!));
    expect(sorted(called)).toEqual(sorted(new Set(readManifest(manifest).map((n) => n.ast_node_id))));
    expect(sorted(called)).toEqual(
      expect.arrayContaining([
        'src/catalog/item.js:Book.constructor:constructor',
        'src/catalog/item.js:Book.pages:setter',
        'src/catalog/item.js:Book.parse:static-method',
        'src/catalog/item.js:Item.age:getter',
        'src/catalog/shelf.cjs:Shelf.load:method',
        'src/catalog/slug.cjs:slug:function',
        'src/text/words.js:slowly:function',
        'src/text/words.js:memo/memoised:function',
        'src/text/words.js:countLater/arrow#2',
        'src/crash.js:readYear:function',
      ]),
    );

    // super(): Item's constructor inside Book's, Item.summary inside Book.summary.
    expect(parentIds('src/catalog/item.js:Item.constructor:constructor')).toEqual([
      'src/catalog/item.js:Book.constructor:constructor',
      'test/catalog.test.js:<module>/arrow#1/arrow#1',
      'src/catalog/item.js:Book.constructor:constructor',
      'src/catalog/item.js:Book.constructor:constructor',
      'src/catalog/item.js:Book.constructor:constructor',
      'src/catalog/item.js:Book.constructor:constructor',
    ]);
    expect(parentIds('src/catalog/item.js:Item.summary:method')).toEqual(['src/catalog/item.js:Book.summary:method']);
    // CommonJS loading an ES module with import(): after the await, load parses and adds.
    const loads = entries(events, 'src/catalog/shelf.cjs:Shelf.load:method');
    expect(loads).toHaveLength(2);
    const parses = entries(events, 'src/catalog/item.js:Book.parse:static-method');
    expect(parses.map((e) => parentOf(e)?.ast_node_id)).toEqual([
      'test/catalog.test.js:<module>/arrow#1/arrow#2',
      ...Array<string>(3).fill('src/catalog/shelf.cjs:Shelf.load:method'),
    ]);
    expect(new Set(parses.slice(1).map((e) => parentOf(e)))).toEqual(new Set(loads));
    expect(parentIds('src/catalog/shelf.cjs:Shelf.load:method')).toEqual([
      'test/catalog.test.js:<module>/arrow#1/arrow#3',
      'src/text/words.js:shelve:function',
    ]);
    // CommonJS requiring CommonJS: slug inside the index arrow inside index.
    expect(parentIds('src/catalog/slug.cjs:slug:function')).toEqual(
      Array<string>(3).fill('src/catalog/shelf.cjs:Shelf.index/arrow#1'),
    );
    // Recursion through map: depth([1, [2, [3]], []]) is 7 calls, each below the first inside depth.
    const depths = entries(events, 'src/text/words.js:depth:function');
    expect(depths.map((e) => parentOf(e)?.ast_node_id)).toEqual([
      'test/text.test.js:<module>/arrow#1/arrow#1',
      ...Array<string>(6).fill('src/text/words.js:depth:function'),
    ]);
    // Generators: entered from what drove them (spread, for await, a promise reaction).
    expect(parentIds('src/text/words.js:words:function')).toEqual([
      'test/text.test.js:<module>/arrow#1/arrow#2',
      'src/text/words.js:countLater/arrow#1',
    ]);
    expect(parentIds('src/text/words.js:slowly:function')).toEqual(['test/text.test.js:<module>/arrow#1/arrow#3']);
    expect(parentIds('src/text/words.js:slowly/arrow#1')).toEqual(
      Array<string>(2).fill('src/text/words.js:slowly:function'),
    );
    expect(parentIds('src/text/words.js:countLater/arrow#2')).toEqual(['src/text/words.js:countLater:function']);
    // A closure: the memoised function calls the wrapped arrow once for two calls.
    expect(parentIds('src/text/words.js:memo/memoised:function')).toEqual(
      Array<string>(2).fill('test/text.test.js:<module>/arrow#1/arrow#4'),
    );
    expect(parentIds('test/text.test.js:<module>/arrow#1/arrow#4/arrow#1')).toEqual([
      'src/text/words.js:memo/memoised:function',
    ]);
    // Default parameters: Item's year defaults to 2000 (captured as given: undefined).
    expect(entries(events, 'src/catalog/item.js:Item.constructor:constructor').map((e) => args(e)[0])).toContain(
      'Untitled',
    );

    expect(errorsByNode).toEqual({
      'src/catalog/item.js:Book.pages:setter': 1,
      'src/text/words.js:strict:function': 2,
    });
    const [readYear] = entries(events, 'src/crash.js:readYear:function');
    expect(exits.get(readYear!.correlation_id)!.data?.['error']).toMatchObject({ name: 'TypeError' });
    const [timer] = entries(events, 'src/crash.js:<module>/arrow#1');
    expect(exits.get(timer!.correlation_id)!.data?.['error']).toMatchObject({ name: 'TypeError' });
  }, 60_000);

  it('bundled with the esbuild plugin and run under register: same suite result, same ids, same calls, nothing instrumented twice', async () => {
    expect(hookEvents.length).toBeGreaterThan(0);
    const manifest = join(app, 'bundle-manifest.jsonl');
    // The built plugin, as a project would install it (the source alias does not cover the subpath).
    const { esbuildPlugin } = (await import(repoPath('libs/auto-instrument/dist/plugin/index.js'))) as typeof Plugin;
    await build({
      absWorkingDir: app,
      entryPoints: ['test/suite.js'],
      outfile: join(app, 'dist', 'suite.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
      plugins: [esbuildPlugin({ root: app, manifest })],
    });
    const bundle = readFileSync(join(app, 'dist', 'suite.mjs'), 'utf8');
    // esbuild drops the marker comment; the probe lookup it keeps tells register not to instrument again.
    expect(bundle).not.toContain('/*@temporal-bridge:instrumented*/');
    expect(bundle).toContain('Symbol.for("temporal-bridge.probes")');
    const service = 'library-js-bundle';
    const run = await runNode(
      app,
      ['--import', REGISTER, TAP, 'dist/suite.mjs'],
      env(service, join(app, 'bundle-run.jsonl')),
    );
    expect({ code: run.code, tap: tapResult(run.stdout), stderr: run.stderr }).toEqual({
      code: 0,
      tap: plainTap,
      stderr: '',
    });
    const events = await fixtures.server.eventsOf(service);
    expectOneExitPerEntry(events);
    // Register instrumented nothing again (the bundle is marked) but ran its probes: the same calls per id.
    expect(countsOf(events)).toEqual(countsOf(hookEvents));
    const bundled = new Set(readManifest(manifest).map((n) => n.ast_node_id));
    expect(sorted(bundled)).toEqual(
      sorted(Object.keys(countsOf(hookEvents)).filter((id) => !id.startsWith('src/crash.js'))),
    );
    const { errorsByNode } = callTree(events);
    expect(errorsByNode).toEqual({
      'src/catalog/item.js:Book.pages:setter': 1,
      'src/text/words.js:strict:function': 2,
    });
  }, 60_000);
});
