import { readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';

import type * as Plugin from '@temporal-bridge/auto-instrument/plugin';
import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { repoPath } from '@temporal-bridge/testing';
import { build as esbuildBuild } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  args,
  autoEnv,
  byIdWithoutService,
  callTree,
  expectOneExitPerEntry,
  fixtureProjectSuite,
  type ManifestLine,
  readManifest,
  REGISTER,
  runNode,
  sorted,
  TAP,
  tapResult,
  TSX,
} from './test-support/auto-app';

/**
 * The two fixture projects (TypeScript and plain JavaScript, each with its own
 * node:test suite) built with the bundler plugin, not run under the hook: the
 * suite runs on the bundle with `register` only as the runtime (TB_EXCLUDE=**:
 * it instruments nothing itself), sending to the real standalone server. The
 * stored events must match those of the same suite under the hook: the same
 * ids and manifest (lines of the original TypeScript), one exit per entry, the
 * same call tree and traces, errors on the same nodes.
 */
const BUILT_ENTRIES = join(__dirname, 'test-support', 'built-entries.mjs');
// The bundlers are devDependencies of the plugin's package; the plugin is its build, as a project installs it.
const fromPluginPackage = createRequire(repoPath('libs/auto-instrument/package.json'));
const loadPlugin = async (): Promise<typeof Plugin> =>
  (await import(repoPath('libs/auto-instrument/dist/plugin/index.js'))) as typeof Plugin;

/** Builds `entries` (output name -> source, relative to the app) into `<app>/dist/<name>.mjs` as ES modules for Node. */
type Bundler = (app: string, entries: Record<string, string>, manifest: string) => Promise<void>;

const esbuild: Bundler = async (app, entries, manifest) => {
  const { esbuildPlugin } = await loadPlugin();
  await esbuildBuild({
    absWorkingDir: app,
    entryPoints: Object.entries(entries).map(([out, source]) => ({ in: source, out })),
    outdir: join(app, 'dist'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    sourcemap: true,
    logLevel: 'silent',
    plugins: [esbuildPlugin({ root: app, manifest })],
  });
};

interface Vite {
  build: (config: Record<string, unknown>) => Promise<unknown>;
}
const vite: Bundler = async (app, entries, manifest) => {
  const { build } = (await import(fromPluginPackage.resolve('vite'))) as Vite;
  const { vitePlugin } = await loadPlugin();
  // Library mode for Node: ES modules, Node's built-ins external, not minified.
  await build({
    root: app,
    configFile: false,
    logLevel: 'silent',
    plugins: [vitePlugin({ root: app, manifest })],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      minify: false,
      sourcemap: true,
      lib: { entry: entries, formats: ['es'], fileName: (_format: string, name: string) => `${name}.mjs` },
      rolldownOptions: { external: [/^node:/, ...builtinModules] },
    },
  });
};

interface Rollup {
  rollup: (options: Record<string, unknown>) => Promise<{
    write: (output: Record<string, unknown>) => Promise<unknown>;
    close: () => Promise<void>;
  }>;
}
const rollup: Bundler = async (app, entries, manifest) => {
  const { rollup: bundle } = fromPluginPackage('rollup') as Rollup;
  const commonjs = fromPluginPackage('@rollup/plugin-commonjs') as () => unknown;
  const { rollupPlugin } = await loadPlugin();
  // CommonJS modules through @rollup/plugin-commonjs (Rollup bundles ES modules only); the
  // instrumentation transforms first (`order: 'pre'`), so it sees them as written too.
  const build = await bundle({
    input: Object.fromEntries(Object.entries(entries).map(([out, source]) => [out, join(app, source)])),
    external: [/^node:/, ...builtinModules],
    plugins: [commonjs(), rollupPlugin({ root: app, manifest })],
    logLevel: 'silent',
  });
  await build.write({ dir: join(app, 'dist'), format: 'es', entryFileNames: '[name].mjs', sourcemap: true });
  await build.close();
};

interface WebpackStats {
  hasErrors(): boolean;
  toString(options: object): string;
}
interface WebpackCompiler {
  run(callback: (error: Error | null, stats?: WebpackStats) => void): void;
  close(callback: () => void): void;
}
const webpack: Bundler = async (app, entries, manifest) => {
  const createCompiler = fromPluginPackage('webpack') as (config: object) => WebpackCompiler;
  const { webpackPlugin } = await loadPlugin();
  const compiler = createCompiler({
    context: app,
    mode: 'none',
    target: 'node',
    devtool: 'source-map',
    entry: Object.fromEntries(Object.entries(entries).map(([out, source]) => [out, `./${source}`])),
    output: { path: join(app, 'dist'), filename: '[name].mjs', chunkFilename: 'chunks/[id].mjs', module: true },
    experiments: { outputModule: true },
    plugins: [webpackPlugin({ root: app, manifest })],
  });
  const stats = await new Promise<WebpackStats>((resolve, reject) =>
    compiler.run((error, result) => (error ? reject(error) : resolve(result!))),
  );
  await new Promise<void>((resolve) => compiler.close(resolve));
  if (stats.hasErrors()) throw new Error(`webpack build failed:\n${stats.toString({ all: false, errors: true })}`);
};

/**
 * Every call as a string: its node, the nodes of its ancestors up to the root, its arguments.
 * Calls of `skipped` nodes are left out and their callees hang from the caller: the tree the
 * same run would give without instrumenting those nodes.
 */
function callPaths(events: SerializedEvent[], skipped: (id: string) => boolean = () => false): string[] {
  const { calls, parentOf } = callTree(events);
  const paths: string[] = [];
  for (const call of calls) {
    if (skipped(call.ast_node_id!)) continue;
    const path = [call.ast_node_id!];
    for (let up = parentOf(call); up; up = parentOf(up)) if (!skipped(up.ast_node_id!)) path.push(up.ast_node_id!);
    paths.push(`${path.join(' < ')} ${JSON.stringify(args(call))}`);
  }
  return paths.sort();
}

/** Each error event as `node: error name`, and each exit that carries an error the same way. */
function failures(events: SerializedEvent[]): { errors: string[]; failedExits: string[] } {
  const name = (e: SerializedEvent): string =>
    `${e.ast_node_id}: ${String((e.data?.['error'] as { name?: unknown } | undefined)?.name)}`;
  return {
    errors: events
      .filter((e) => e.event_type === 'error')
      .map(name)
      .sort(),
    failedExits: events
      .filter((e) => e.event_type === 'function_exit' && e.data?.['error'] !== undefined)
      .map(name)
      .sort(),
  };
}

/** Traces: every call is in its parent's trace, and the number of traces. */
function traceCount(events: SerializedEvent[]): number {
  const { calls, parentOf } = callTree(events);
  for (const call of calls) {
    const parent = parentOf(call);
    if (parent) expect(call.trace_id, call.ast_node_id).toBe(parent.trace_id);
  }
  return new Set(calls.map((call) => call.trace_id)).size;
}

const fixtures = fixtureProjectSuite();

interface FixtureCase {
  fixture: string;
  /** The suite and the child it spawns, as output name -> source. */
  entries: Record<string, string>;
  /** How the suite runs from source (under the hook too). */
  fromSource: string[];
  bundlers: Record<string, Bundler>;
  /** Nodes the plugin instruments and the hook (register first) cannot: README, "TypeScript". */
  onlyBuilt: string[];
  /** Where some ids' manifest lines must point: [id, file, start of that line]. */
  locations: [string, string, string][];
  /** Exits that carry the error the child does not catch (`node: error name`), innermost first. */
  uncaught: string[];
}

const cases: FixtureCase[] = [
  {
    fixture: 'orders-ts',
    entries: { 'test/suite': 'test/suite.ts', 'src/crash': 'src/crash.ts' },
    fromSource: ['--import', TSX, TAP, 'test/suite.ts'],
    bundlers: { esbuild, vite },
    onlyBuilt: ['src/legacy/tax.cts:withTax:function', 'src/legacy/tax.cts:roundedFib:function'],
    locations: [
      ['src/orders/service.ts:OrderService.place:method', 'src/orders/service.ts', '  async place(items: string[]'],
      ['src/orders/repo.ts:Repo.pages:method', 'src/orders/repo.ts', '  async *pages(size: number)'],
      ['src/legacy/tax.cts:withTax:function', 'src/legacy/tax.cts', 'function withTax(net: number)'],
    ],
    uncaught: ['src/crash.ts:readQuantity:function: SyntaxError', 'src/crash.ts:<module>/arrow#1: SyntaxError'],
  },
  {
    fixture: 'library-js',
    entries: { 'test/suite': 'test/suite.js', 'src/crash': 'src/crash.js' },
    fromSource: [TAP, 'test/suite.js'],
    bundlers: { esbuild, vite, webpack, rollup },
    onlyBuilt: [],
    locations: [
      ['src/catalog/shelf.cjs:Shelf.load:method', 'src/catalog/shelf.cjs', '  async load(lines)'],
      ['src/catalog/item.js:Book.pages:setter', 'src/catalog/item.js', '  set pages(n)'],
    ],
    uncaught: ['src/crash.js:readYear:function: TypeError', 'src/crash.js:<module>/arrow#1: TypeError'],
  },
];

describe.each(cases)(
  '$fixture built with the plugin',
  ({ fixture, entries, fromSource, bundlers, onlyBuilt, locations, uncaught }) => {
    let app = '';
    let plainTap = '';
    let hookEvents: SerializedEvent[] = [];
    let hookManifest = new Map<string, Omit<ManifestLine, 'service'>>();
    const onlyBuiltNode = (id: string): boolean => onlyBuilt.includes(id);

    beforeAll(async () => {
      app = fixtures.checkout(fixture);
      const plain = await runNode(app, fromSource);
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stdout).toContain('# pass 11\n# fail 0\n');
      plainTap = tapResult(plain.stdout);
      // The reference: the same suite under the hook (checked in detail by fixture-projects.integration.spec.ts).
      const service = `${fixture}-plugin-reference`;
      const hooked = await runNode(
        app,
        ['--import', REGISTER, ...fromSource],
        autoEnv(fixtures.server.url, service, join(app, 'hook.jsonl')),
      );
      expect(hooked.code, hooked.stderr).toBe(0);
      hookEvents = await fixtures.server.eventsOf(service);
      hookManifest = byIdWithoutService(readManifest(join(app, 'hook.jsonl')));
    }, 120_000);

    it.each(Object.keys(bundlers))(
      'with %s: the suite passes unchanged on the bundle; ids, manifest, call tree, traces and errors as under the hook',
      async (bundler) => {
        rmSync(join(app, 'dist'), { recursive: true, force: true });
        const built = join(app, `${bundler}-build.jsonl`);
        await bundlers[bundler]!(app, entries, built);
        const service = `${fixture}-${bundler}`;
        const ran = join(app, `${bundler}-run.jsonl`);
        const run = await runNode(app, ['--import', REGISTER, '--import', BUILT_ENTRIES, TAP, 'dist/test/suite.mjs'], {
          ...autoEnv(fixtures.server.url, service, ran),
          TB_EXCLUDE: '**',
        });
        expect({ code: run.code, tap: tapResult(run.stdout), stderr: run.stderr }).toEqual({
          code: 0,
          tap: plainTap,
          stderr: '',
        });

        const events = await fixtures.server.eventsOf(service);
        expectOneExitPerEntry(events);
        // What the bundle published is what the plugin built (register instrumented nothing), and the
        // suite calls all of it: the ids of the hook plus the nodes only a build reaches.
        const builtManifest = byIdWithoutService(readManifest(built));
        expect(byIdWithoutService(readManifest(ran))).toEqual(builtManifest);
        const called = new Set(callTree(events).calls.map((e) => e.ast_node_id!));
        expect(sorted(called)).toEqual(sorted(builtManifest.keys()));
        expect(sorted(called)).toEqual(sorted([...hookManifest.keys(), ...onlyBuilt]));
        // Positions and hashes are those of the original sources, node for node.
        for (const [id, node] of hookManifest) expect(builtManifest.get(id), id).toEqual(node);
        for (const [id, file, text] of locations) {
          const line =
            readFileSync(join(app, file), 'utf8')
              .split('\n')
              .findIndex((l) => l.startsWith(text)) + 1;
          expect(line, id).toBeGreaterThan(0);
          expect(builtManifest.get(id), id).toMatchObject({ file, line });
          const response = await fetch(`${fixtures.server.url}/v1/ast-nodes/${encodeURIComponent(id)}`);
          const body = (await response.json()) as { locations: Record<string, unknown>[] };
          expect(body.locations.filter((l) => l['service'] === service)).toEqual([
            expect.objectContaining({ file, line }),
          ]);
        }
        // The same calls with the same arguments, each under the same chain of callers; errors where
        // they were thrown; each call in its caller's trace, as many traces as under the hook.
        expect(callPaths(events, onlyBuiltNode)).toEqual(callPaths(hookEvents));
        const failed = failures(events);
        expect(failed).toEqual(failures(hookEvents));
        expect(failed.failedExits).toEqual(expect.arrayContaining(uncaught));
        expect(traceCount(events)).toBe(traceCount(hookEvents));
      },
      120_000,
    );
  },
);
