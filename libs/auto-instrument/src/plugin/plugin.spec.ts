import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { build } from 'esbuild';
import { rollup } from 'rollup';
import { build as viteBuild, type Rolldown } from 'vite';
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
const work = mkdtempSync(join(tmpdir(), 'tb-plugin-'));

let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function esbuildBundle(plugins: Parameters<typeof build>[0]['plugins']): Promise<string> {
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
  return result.outputFiles[0]?.text ?? '';
}

async function rollupBundle(plugins: Parameters<typeof rollup>[0]['plugins']): Promise<string> {
  const bundle = await rollup({ input: join(FIXTURES, 'main.mjs'), plugins, logLevel: 'silent' });
  const { output } = await bundle.generate({ format: 'cjs', sourcemap: true });
  await bundle.close();
  return output[0].code;
}

/** Vite's library mode for Node (Rolldown underneath), CommonJS, kept in memory. */
async function viteBundle(plugins: NonNullable<Parameters<typeof viteBuild>[0]>['plugins']): Promise<string> {
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
  })) as Rolldown.RolldownOutput[];
  return result[0]!.output[0].code;
}

/** webpack for Node, CommonJS, written under the temporary directory. */
async function webpackBundle(plugins: Configuration['plugins'], name: string): Promise<string> {
  const compiler = webpack({
    context: FIXTURES,
    mode: 'none',
    target: 'node',
    devtool: 'source-map',
    entry: './main.mjs',
    output: { path: join(work, name), filename: 'bundle.js', library: { type: 'commonjs2' } },
    plugins,
  });
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    compiler.run((error, result) => (error ? reject(error) : resolve(result!))),
  );
  await new Promise((resolve) => compiler.close(resolve));
  expect(stats.toString({ all: false, errors: true, warnings: true })).toBe('');
  return readFileSync(join(work, name, 'bundle.js'), 'utf8');
}

function runBundle(code: string): number {
  return (evaluateCommonJs(code, join(work, 'bundle.js')).run as (l: typeof lines) => number)(lines);
}

describe('bundler plugin', () => {
  /** The probes of a bundle of main.ts: the calls in order with source ids, the manifest's lines. */
  function expectTypeScriptProbes(code: string, manifest: string): void {
    const host = new ProbeHost();
    uninstall = host.install();
    expect(runBundle(code)).toBe(12);
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
  }

  /** The probes of a bundle of main.mjs (pricing.mjs excluded). */
  function expectJavaScriptProbes(code: string, expected: number): void {
    const host = new ProbeHost();
    uninstall = host.install();
    expect(runBundle(code)).toBe(expected);
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

  it('instruments a webpack bundle and honours exclude globs', async () => {
    const expected = runBundle(await webpackBundle([], 'webpack-plain'));
    const code = await webpackBundle([webpackPlugin({ root, exclude: ['**/pricing.mjs'] })], 'webpack');
    expectJavaScriptProbes(code, expected);
  });

  it('instruments a rollup bundle and honours exclude globs', async () => {
    const expected = runBundle(await rollupBundle([]));
    expectJavaScriptProbes(await rollupBundle([rollupPlugin({ root, exclude: ['**/pricing.mjs'] })]), expected);
  });

  it('instruments only what include globs name', async () => {
    const code = await rollupBundle([rollupPlugin({ root, include: ['**/pricing.mjs'] })]);
    const host = new ProbeHost();
    uninstall = host.install();
    runBundle(code);
    expect(new Set(host.calls.map((call) => call.id))).toEqual(
      new Set([`${dir}/pricing.mjs:price:function`, `${dir}/pricing.mjs:discount:arrow`]),
    );
  });
});
