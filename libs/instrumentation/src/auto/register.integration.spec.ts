import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { buildProjects } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  args,
  entries,
  expectOneExitPerEntry,
  REGISTER,
  runNode,
  type Run,
  type Standalone,
  startStandalone,
  TSX,
} from './test-support/auto-app';

/**
 * `node --import <built register>` on a fixture app (ESM and CommonJS
 * importing each other, classes, recursion, async, timers, promise chains,
 * generators), sending to the real standalone server over HTTP; everything
 * is asserted through the query API.
 */
// TypeScript, run through tsx: positions and ids must be the .ts source's.
const TS_APP = [
  'interface Order {',
  '  id: number;',
  '  total: number;',
  '}',
  '',
  'export class Shop {',
  '  private readonly orders: Order[] = [];',
  '',
  '  add(order: Order): this {',
  '    this.orders.push(order);',
  '    return this;',
  '  }',
  '',
  '  total(): number {',
  '    return this.orders.reduce((sum: number, o: Order) => sum + o.total, 0);',
  '  }',
  '}',
  '',
  'console.log(new Shop().add({ id: 1, total: 5 }).add({ id: 2, total: 7 }).total());',
  '',
].join('\n');
const FIXTURE = join(__dirname, '__fixtures__', 'shop-js');

let server: Standalone | undefined;
let app = '';

const run = (argv: string[], env: Record<string, string>): Promise<Run> => runNode(app, argv, env);
const eventsOf = (service: string): Promise<SerializedEvent[]> => server!.eventsOf(service);

beforeAll(async () => {
  await buildProjects('libs/instrumentation/tsconfig.lib.json', 'services/standalone/tsconfig.app.json');
  // A copy outside the repository: the SDK's own directories are never instrumented.
  app = mkdtempSync(join(tmpdir(), 'tb-auto-app-'));
  cpSync(FIXTURE, app, { recursive: true });
  // V8 intrinsics (node --allow-natives-syntax): syntax the parser does not know.
  writeFileSync(
    join(app, 'src', 'natives.cjs'),
    'function optimizationStatus(f) {\n  return typeof %GetOptimizationStatus(f);\n}\nmodule.exports = { optimizationStatus };\n',
  );
  writeFileSync(join(app, 'src', 'shop.ts'), TS_APP);
  server = await startStandalone();
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (app !== '') rmSync(app, { recursive: true, force: true });
});

describe('register: node --import on an unchanged app', () => {
  it('records every call with its AST id, parents matching the call tree, errors where thrown, and the manifest', async () => {
    const plain = await run(['src/main.js'], {});
    expect(plain.code).toBe(0);
    const manifest = join(app, 'manifest.jsonl');
    const service = 'shop-full';
    const instrumented = await run(['--import', REGISTER, 'src/main.js'], {
      TB_ENDPOINT: server!.url,
      TB_SERVICE: service,
      TB_NODE_BUDGET: 'unlimited',
      TB_MANIFEST: manifest,
    });
    expect(instrumented).toEqual({ code: 0, stdout: plain.stdout, stderr: '' });

    const events = await eventsOf(service);
    const exits = expectOneExitPerEntry(events);
    const [main] = entries(events, 'src/main.js:main:function');
    expect(main).toBeDefined();
    expect(main!.parent_id).toBeUndefined();
    const calls = events.filter((e) => e.event_type === 'function_entry');
    // One trace: everything the app did started in main() (the async generator that `for await`
    // drives too: the transform wraps its iterable in __tb.i).
    expect(calls.filter((e) => e.trace_id !== main!.correlation_id).map((e) => e.ast_node_id)).toEqual([]);
    const byId = new Map(calls.map((e) => [e.correlation_id, e]));
    const parentOf = (e: SerializedEvent): SerializedEvent | undefined => byId.get(e.parent_id ?? '');

    // Recursion: factorial(n) is called by factorial(n + 1), the first by main.
    const factorials = entries(events, 'src/main.js:factorial:function');
    expect(factorials.map(args)).toEqual([[5], [4], [3], [2], [1]]);
    for (const call of factorials) {
      const n = args(call)[0] as number;
      expect(n === 5 ? parentOf(call)?.ast_node_id : args(parentOf(call)!)).toEqual(
        n === 5 ? 'src/main.js:main:function' : [n + 1],
      );
    }
    // super(): the base constructor inside the derived one; super.total inside the override.
    const [premium] = entries(events, 'src/cart.js:PremiumCart.constructor:constructor');
    expect(parentOf(entries(events, 'src/cart.js:Cart.constructor:constructor')[0]!)).toBe(premium);
    const [premiumTotal] = entries(events, 'src/cart.js:PremiumCart.total:getter');
    expect(parentOf(entries(events, 'src/cart.js:Cart.total:getter')[0]!)).toBe(premiumTotal);
    for (const price of entries(events, 'src/pricing.cjs:priceOf:function')) {
      expect(parentOf(price)?.ast_node_id).toBe('src/cart.js:Cart.total/arrow#1');
    }
    expect(entries(events, 'src/cart.js:Cart.label:setter').map(args)).toEqual([['gift']]);
    // async/await: fetchStock twice inside restock, stockOf after its await.
    const [restock] = entries(events, 'src/main.js:restock:function');
    const fetches = entries(events, 'src/main.js:fetchStock:function');
    expect(fetches.map((e) => parentOf(e))).toEqual([restock, restock]);
    expect(entries(events, 'src/pricing.cjs:stockOf:function').map((e) => parentOf(e)?.ast_node_id)).toEqual([
      'src/main.js:fetchStock:function',
      'src/main.js:fetchStock:function',
    ]);
    // A timer callback: its parent is the call that scheduled it.
    const [onTimer] = entries(events, 'src/main.js:later/arrow#1/onTimer:function');
    expect(parentOf(onTimer!)?.ast_node_id).toBe('src/main.js:later/arrow#1');
    // A promise chain: the reactions belong to chain(), which created them.
    const [chain] = entries(events, 'src/main.js:chain:function');
    for (const reaction of ['src/main.js:chain/arrow#1', 'src/main.js:chain/arrow#2']) {
      expect(parentOf(entries(events, reaction)[0]!)).toBe(chain);
    }
    // Generators: entered on first next() from main; the abandoned one closed at exit.
    const countdowns = entries(events, 'src/streams.js:countdown:function');
    expect(countdowns.map(args)).toEqual([[3], [10]]);
    expect(countdowns.map((e) => parentOf(e))).toEqual([main, main]);
    expect(exits.get(countdowns[1]!.correlation_id)!.data).toEqual({ abandoned: 'shutdown' });
    expect(entries(events, 'src/streams.js:ticker:function').map((e) => parentOf(e))).toEqual([main]);
    // CommonJS loaded with import().
    expect(entries(events, 'src/shapes.cjs:exports.circle:function').map(args)).toEqual([[1]]);

    // The error: one event where it was thrown (validate with limit 40); its exit carries it.
    const errors = events.filter((e) => e.event_type === 'error');
    expect(errors).toHaveLength(1);
    const failed = entries(events, 'src/main.js:validate:function').find((e) => args(e)[1] === 40)!;
    expect(errors[0]).toMatchObject({ correlation_id: failed.correlation_id, ast_node_id: failed.ast_node_id });
    expect(exits.get(failed.correlation_id)!.data?.['error']).toMatchObject({ name: 'RangeError' });
    expect(exits.get(entries(events, 'src/main.js:checkout:function')[0]!.correlation_id)!.data).toBeUndefined();

    // The manifest: published as tb.ast_nodes events and written to TB_MANIFEST, positions of the source.
    const published = events.filter((e) => e.event_type === 'tb.ast_nodes');
    expect(new Set(published.map((e) => e.data?.['file']))).toEqual(
      new Set(['src/main.js', 'src/cart.js', 'src/pricing.cjs', 'src/format.cjs', 'src/streams.js', 'src/shapes.cjs']),
    );
    const lines = readFileSync(manifest, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { ast_node_id: string; line: number; service: string });
    const source = readFileSync(join(app, 'src', 'main.js'), 'utf8').split('\n');
    const factorialNode = lines.find((n) => n.ast_node_id === 'src/main.js:factorial:function')!;
    expect(source[factorialNode.line - 1]).toContain('function factorial(n)');
    expect(lines.every((n) => n.service === service)).toBe(true);
    // Every recorded node is in the manifest.
    const known = new Set(lines.map((n) => n.ast_node_id));
    expect(calls.filter((e) => !known.has(e.ast_node_id!))).toEqual([]);
  }, 120_000);

  it.each([
    ['register first', ['--import', REGISTER, '--import', TSX]],
    ['tsx first', ['--import', TSX, '--import', REGISTER]],
  ])(
    'instruments TypeScript under tsx (%s) with ids and positions of the .ts source',
    async (order, flags) => {
      const service = `shop-ts-${order.replace(' ', '-')}`;
      const manifest = join(app, `${service}.jsonl`);
      const result = await run([...flags, 'src/shop.ts'], {
        TB_ENDPOINT: server!.url,
        TB_SERVICE: service,
        TB_MANIFEST: manifest,
      });
      expect(result).toEqual({ code: 0, stdout: '12\n', stderr: '' });
      const nodes = readFileSync(manifest, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { ast_node_id: string; line: number; column: number });
      const at = (id: string): [number, number] | undefined => {
        const found = nodes.find((n) => n.ast_node_id === id);
        return found === undefined ? undefined : [found.line, found.column];
      };
      expect(at('src/shop.ts:Shop.add:method')).toEqual([9, 3]);
      expect(at('src/shop.ts:Shop.total:method')).toEqual([14, 3]);
      expect(at('src/shop.ts:Shop.total/arrow#1')).toEqual([15, TS_APP.split('\n')[14]!.indexOf('(sum') + 1]);
      const events = await eventsOf(service);
      expectOneExitPerEntry(events);
      const [total] = entries(events, 'src/shop.ts:Shop.total:method');
      const reducers = entries(events, 'src/shop.ts:Shop.total/arrow#1');
      expect(reducers.map((e) => e.parent_id)).toEqual([total!.correlation_id, total!.correlation_id]);
      expect(entries(events, 'src/shop.ts:Shop.add:method').map(args)).toEqual([
        [{ id: 1, total: 5 }],
        [{ id: 2, total: 7 }],
      ]);
    },
    60_000,
  );

  it('emits nothing with TB_ENABLED=0, the app unchanged', async () => {
    const plain = await run(['src/main.js'], {});
    const off = await run(['--import', REGISTER, 'src/main.js'], {
      TB_ENDPOINT: server!.url,
      TB_SERVICE: 'shop-off',
      TB_ENABLED: '0',
    });
    expect(off).toEqual({ code: 0, stdout: plain.stdout, stderr: '' });
    expect(await eventsOf('shop-off')).toEqual([]);
  }, 60_000);

  it('loads a file the parser cannot handle uninstrumented, with a warning naming it', async () => {
    const result = await run(['--allow-natives-syntax', '--import', REGISTER, 'src/natives-main.js'], {
      TB_ENDPOINT: server!.url,
      TB_SERVICE: 'shop-natives',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('natives number 6\n');
    expect(result.stderr).toMatch(/^temporal-bridge: src\/natives\.cjs: not instrumented: .+\n$/);
    const events = await eventsOf('shop-natives');
    expect(entries(events, 'src/main-lite.js:factorial:function').map(args)).toEqual([[3], [2], [1]]);
    expect(events.some((e) => e.ast_node_id?.startsWith('src/natives.cjs'))).toBe(false);
  }, 60_000);

  it('delivers the events of an app that dies of an uncaught exception, exit code unchanged', async () => {
    const plain = await run(['src/main.js'], { FIXTURE_CRASH: '1' });
    expect(plain.code).toBe(1);
    const crashed = await run(['--import', REGISTER, 'src/main.js'], {
      FIXTURE_CRASH: '1',
      TB_ENDPOINT: server!.url,
      TB_SERVICE: 'shop-crash',
    });
    expect(crashed.code).toBe(1);
    expect(crashed.stdout).toBe(plain.stdout);
    expect(crashed.stderr).toContain('Error: uncaught in pricing');
    const events = await eventsOf('shop-crash');
    expectOneExitPerEntry(events);
    const [explode] = entries(events, 'src/pricing.cjs:explode:function');
    const errors = events.filter((e) => e.event_type === 'error');
    expect(errors.map((e) => e.correlation_id)).toContain(explode!.correlation_id);
  }, 60_000);

  it('says so on stderr when the events of a crashing app cannot be sent in time, exit code and output unchanged', async () => {
    // A server that takes connections and never answers: the exit sender waits until its deadline.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const plain = await run(['src/main.js'], { FIXTURE_CRASH: '1' });
      const crashed = await run(['--import', REGISTER, 'src/main.js'], {
        FIXTURE_CRASH: '1',
        TB_ENDPOINT: `http://127.0.0.1:${port}`,
        TB_SERVICE: 'shop-crash-unsent',
      });
      expect(crashed.code).toBe(plain.code);
      expect(crashed.stdout).toBe(plain.stdout);
      expect(crashed.stderr).toContain('Error: uncaught in pricing');
      // One line, before Node's own report of the exception.
      expect(crashed.stderr).toMatch(
        new RegExp(
          `^temporal-bridge: \\d+ events? at exit not sent: no answer from http://127\\.0\\.0\\.1:${port} within 5000 ms$`,
          'm',
        ),
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);

  it('does not start on a bad setting: one message naming it, the app runs uninstrumented', async () => {
    const plain = await run(['src/main.js'], {});
    const bad = await run(['--import', REGISTER, 'src/main.js'], {
      TB_ENDPOINT: server!.url,
      TB_SERVICE: 'shop-bad',
      TB_NODE_BUDGET: 'lots',
    });
    expect(bad.code).toBe(0);
    expect(bad.stdout).toBe(plain.stdout);
    expect(bad.stderr).toMatch(/^temporal-bridge: automatic instrumentation not started: TB_NODE_BUDGET must be .+\n$/);
    expect(await eventsOf('shop-bad')).toEqual([]);
  }, 60_000);
});
