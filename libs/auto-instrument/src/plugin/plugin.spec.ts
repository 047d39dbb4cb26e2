import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { build } from 'esbuild';
import { rollup } from 'rollup';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { evaluateCommonJs, ProbeHost } from '../test-support/probe-host';
import { esbuildPlugin, rollupPlugin } from './index';

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

function runBundle(code: string): number {
  return (evaluateCommonJs(code, join(work, 'bundle.js')).run as (l: typeof lines) => number)(lines);
}

describe('bundler plugin', () => {
  it('instruments an esbuild bundle of TypeScript: probes fire with source ids, output unchanged', async () => {
    const expected = runBundle(await esbuildBundle([]));
    expect(expected).toBe(12);
    const manifest = join(work, 'esbuild-manifest.jsonl');
    const code = await esbuildBundle([esbuildPlugin({ root, manifest })]);
    const host = new ProbeHost();
    uninstall = host.install();
    expect(runBundle(code)).toBe(expected);
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
  });

  it('instruments a rollup bundle and honours exclude globs', async () => {
    const expected = runBundle(await rollupBundle([]));
    const code = await rollupBundle([rollupPlugin({ root, exclude: ['**/pricing.mjs'] })]);
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
    expect(host.descriptors.map((d) => d.file).sort()).toEqual([`${dir}/main.mjs`, `${dir}/shop.mjs`]);
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
