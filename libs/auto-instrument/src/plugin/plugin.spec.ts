import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { build, transform } from 'esbuild';
import { type InputPluginOption, type Plugin, rollup, type RollupCache } from 'rollup';
import type * as Vite from 'vite' with { 'resolution-mode': 'import' };
import webpack, { type Configuration } from 'webpack';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { evaluateCommonJs, ProbeHost } from '../test-support/probe-host';
import { esbuildPlugin, rollupPlugin, vitePlugin, webpackPlugin } from './index';

const FIXTURES = join(__dirname, '__fixtures__', 'bundle');
const root = join(__dirname, '..', '..');
const dir = 'src/plugin/__fixtures__/bundle';
const lines = [
  { qty: 2, unit: 3 },
  { qty: 1, unit: 6 },
];
const MARKER = '/*@temporal-bridge:instrumented*/';
const work = mkdtempSync(join(tmpdir(), 'tb-plugin-'));

let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A bundle: its code, its source map, and where the map's source names point. */
interface Bundle {
  code: string;
  map: string | object;
  sourcePath: (source: string) => string;
}

/** Source names relative to the working directory (esbuild and Rollup in memory). */
const fromCwd = (source: string): string => resolve(source);

const withInlineMap = (code: string, sourcePath = fromCwd): Bundle => ({
  code,
  sourcePath,
  map: Buffer.from(
    /\/\/# sourceMappingURL=data:application\/json;[^,]*base64,(\S+)\s*$/.exec(code)![1]!,
    'base64',
  ).toString('utf8'),
});

async function esbuildBundle(plugins: Parameters<typeof build>[0]['plugins']): Promise<Bundle> {
  const result = await build({
    entryPoints: [join(FIXTURES, 'main.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
    plugins,
  });
  return withInlineMap(result.outputFiles[0]?.text ?? '');
}

async function rollupBundle(
  plugins: InputPluginOption[],
  input = 'main.mjs',
  cache?: RollupCache,
): Promise<Bundle & { cache: RollupCache }> {
  const bundle = await rollup({ input: join(FIXTURES, input), plugins, logLevel: 'silent', cache: cache ?? true });
  const { output } = await bundle.generate({ format: 'cjs', sourcemap: true });
  await bundle.close();
  return { code: output[0].code, map: output[0].map!, sourcePath: fromCwd, cache: bundle.cache! };
}

/** Vite's library mode for Node (Rolldown underneath), CommonJS, kept in memory. */
async function viteBundle(plugins: Vite.PluginOption[]): Promise<Bundle> {
  // Vite is ES modules only; this spec compiles as CommonJS.
  const { build: viteBuild } = await import('vite');
  const result = (await viteBuild({
    root: FIXTURES,
    configFile: false,
    logLevel: 'silent',
    plugins,
    build: {
      write: false,
      minify: false,
      sourcemap: 'inline',
      lib: { entry: join(FIXTURES, 'main.ts'), formats: ['cjs'], fileName: 'bundle' },
    },
  })) as Vite.Rolldown.RolldownOutput[];
  return withInlineMap(result[0]!.output[0].code, (source) => resolve(FIXTURES, 'dist', source));
}

/**
 * webpack for Node, CommonJS, written under the temporary directory. TypeScript goes through a
 * loader (esbuild's transform) as webpack has none of its own.
 */
async function webpackBundle(plugins: Configuration['plugins'], name: string, entry = 'main.mjs'): Promise<Bundle> {
  const compiler = webpack({
    context: root,
    mode: 'none',
    target: 'node',
    devtool: 'source-map',
    entry: `./${dir}/${entry}`,
    output: { path: join(work, name), filename: 'bundle.js', library: { type: 'commonjs2' } },
    resolve: { extensions: ['.ts', '.mjs', '.js'] },
    module: { rules: [{ test: /\.ts$/, enforce: 'pre', loader: join(FIXTURES, '..', 'esbuild-ts-loader.cjs') }] },
    plugins,
  });
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    compiler.run((error, result) => (error ? reject(error) : resolve(result!))),
  );
  await new Promise((resolve) => compiler.close(resolve));
  expect(stats.toString({ all: false, errors: true, warnings: true })).toBe('');
  const out = join(work, name, 'bundle.js');
  return {
    code: readFileSync(out, 'utf8'),
    map: readFileSync(`${out}.map`, 'utf8'),
    sourcePath: (source) => resolve(root, source.replace('webpack://@temporal-bridge/auto-instrument/', '')),
  };
}

/**
 * A Rollup plugin that compiles TypeScript (esbuild's transform, with its map), in the usual
 * order of transforms or, with `order: 'pre'`, before the instrumentation's.
 */
function typescriptPlugin(order?: 'pre'): Plugin {
  return {
    name: 'typescript',
    resolveId(source, importer) {
      return importer && source.startsWith('.') ? join(dirname(importer), `${source}.ts`) : null;
    },
    transform: {
      ...(order ? { order } : {}),
      async handler(code, id) {
        if (!id.endsWith('.ts')) return null;
        const result = await transform(code, { loader: 'ts', sourcemap: 'external', sourcefile: id });
        return { code: result.code, map: result.map };
      },
    },
  };
}

function runBundle({ code }: Bundle): number {
  return (evaluateCommonJs(code, join(work, 'bundle.js')).run as (l: typeof lines) => number)(lines);
}

/** Where the bundle's map takes the first `needle` of the bundle: absolute path, 1-based line and column. */
function original({ code, map, sourcePath }: Bundle, needle: string): { source: string; line: number; column: number } {
  const at = code.indexOf(needle);
  expect(at, needle).toBeGreaterThan(0);
  const before = code.slice(0, at).split('\n');
  const position = originalPositionFor(new TraceMap(map as never), {
    line: before.length,
    column: before.at(-1)!.length,
  });
  return {
    source: position.source === null ? '' : sourcePath(position.source),
    line: position.line ?? 0,
    column: (position.column ?? -1) + 1,
  };
}

describe('bundler plugin', () => {
  /** The probes of a bundle of main.ts: the calls in order with source ids, the manifest's lines. */
  function expectTypeScriptProbes(bundle: Bundle, manifest: string): void {
    const host = new ProbeHost();
    uninstall = host.install();
    expect(runBundle(bundle)).toBe(12);
    expect(host.calls.map((call) => call.id)).toEqual([
      `${dir}/main.ts:run:function`,
      `${dir}/checkout.ts:Checkout.add:method`,
      `${dir}/checkout.ts:Checkout.add:method`,
      `${dir}/checkout.ts:Checkout.total:method`,
      `${dir}/checkout.ts:Checkout.total/arrow#1`,
      `${dir}/checkout.ts:price:function`,
      `${dir}/checkout.ts:Checkout.total/arrow#1`,
      `${dir}/checkout.ts:price:function`,
    ]);
    expect(host.calls.every((call) => call.exited === 1)).toBe(true);
    expect(host.callsOf(`${dir}/checkout.ts:price:function`)[0]?.parent?.id).toBe(
      `${dir}/checkout.ts:Checkout.total/arrow#1`,
    );
    const written = readFileSync(manifest, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as object);
    expect(written).toContainEqual(
      expect.objectContaining({
        file: `${dir}/checkout.ts`,
        ast_node_id: `${dir}/checkout.ts:Checkout.add:method`,
        line: 13,
      }),
    );
    // The bundle's map goes through the edit back to the TypeScript as written.
    const pushed = original(bundle, 'this.lines.push(line)');
    expect(pushed).toEqual({ source: join(FIXTURES, 'checkout.ts'), line: 14, column: 5 });
  }

  /** The probes of a bundle of main.mjs (pricing.mjs excluded). */
  function expectJavaScriptProbes(bundle: Bundle, expected: number): void {
    const host = new ProbeHost();
    uninstall = host.install();
    expect(runBundle(bundle)).toBe(expected);
    const ids = new Set(host.calls.map((call) => call.id));
    expect(ids).toEqual(
      new Set([
        `${dir}/main.mjs:run:function`,
        `${dir}/shop.mjs:Shop.constructor:constructor`,
        `${dir}/shop.mjs:Shop.add:method`,
        `${dir}/shop.mjs:Shop.total:method`,
        `${dir}/shop.mjs:Shop.total/arrow#1`,
      ]),
    );
    expect(host.calls.every((call) => call.exited === 1)).toBe(true);
    expect(host.descriptors.map((d) => d.file).sort()).toEqual([`${dir}/main.mjs`, `${dir}/shop.mjs`]);
    const pushed = original(bundle, 'this.items.push(item)');
    expect(pushed).toEqual({ source: join(FIXTURES, 'shop.mjs'), line: 9, column: 5 });
  }

  it('instruments an esbuild bundle of TypeScript: probes fire with source ids, output unchanged', async () => {
    expect(runBundle(await esbuildBundle([]))).toBe(12);
    const manifest = join(work, 'esbuild-manifest.jsonl');
    expectTypeScriptProbes(await esbuildBundle([esbuildPlugin({ root, manifest })]), manifest);
  });

  it('instruments a Vite library build of TypeScript: the TypeScript as written, before Vite compiles it', async () => {
    expect(runBundle(await viteBundle([]))).toBe(12);
    const manifest = join(work, 'vite-manifest.jsonl');
    expectTypeScriptProbes(await viteBundle([vitePlugin({ root, manifest })]), manifest);
  });

  it('instruments a webpack bundle of TypeScript compiled by a loader: ids, lines and map of the TypeScript', async () => {
    expect(runBundle(await webpackBundle([], 'webpack-ts-plain', 'main.ts'))).toBe(12);
    const manifest = join(work, 'webpack-ts-manifest.jsonl');
    expectTypeScriptProbes(await webpackBundle([webpackPlugin({ root, manifest })], 'webpack-ts', 'main.ts'), manifest);
  });

  it('instruments a webpack bundle and honours exclude globs', async () => {
    const expected = runBundle(await webpackBundle([], 'webpack-plain'));
    const bundle = await webpackBundle([webpackPlugin({ root, exclude: ['**/pricing.mjs'] })], 'webpack');
    expectJavaScriptProbes(bundle, expected);
  });

  it('instruments a rollup bundle and honours exclude globs', async () => {
    const expected = runBundle(await rollupBundle([]));
    expectJavaScriptProbes(await rollupBundle([rollupPlugin({ root, exclude: ['**/pricing.mjs'] })]), expected);
  });

  it('sees the TypeScript as written in Rollup even listed after a TypeScript plugin', async () => {
    const manifest = join(work, 'ts-listed-first-manifest.jsonl');
    const bundle = await rollupBundle([typescriptPlugin(), rollupPlugin({ root, manifest })], 'main.ts');
    // The compiler compiled the instrumented TypeScript (esbuild drops the marker comment).
    expect(bundle.code).not.toContain(MARKER);
    expectTypeScriptProbes(bundle, manifest);
  });

  it('after a Rollup plugin that compiled the TypeScript first: ids, lines and map through its map', async () => {
    const manifest = join(work, 'ts-first-manifest.jsonl');
    const bundle = await rollupBundle([typescriptPlugin('pre'), rollupPlugin({ root, manifest })], 'main.ts');
    expect(bundle.code).toContain(MARKER); // instrumented after the compiler
    expectTypeScriptProbes(bundle, manifest);
  });

  it('keeps the manifest of modules a rebuild takes from the cache', async () => {
    const manifest = join(work, 'rebuild-manifest.jsonl');
    const plugin = rollupPlugin({ root, manifest });
    const first = await rollupBundle([plugin]);
    const written = readFileSync(manifest, 'utf8');
    expect(written.split('\n').filter(Boolean)).toHaveLength(7);
    await rollupBundle([plugin], 'main.mjs', first.cache);
    expect(readFileSync(manifest, 'utf8')).toBe(written);
  });

  it('instruments only what include globs name', async () => {
    const bundle = await rollupBundle([rollupPlugin({ root, include: ['**/pricing.mjs'] })]);
    const host = new ProbeHost();
    uninstall = host.install();
    runBundle(bundle);
    expect(new Set(host.calls.map((call) => call.id))).toEqual(
      new Set([`${dir}/pricing.mjs:price:function`, `${dir}/pricing.mjs:discount:arrow`]),
    );
  });
});
