import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';

import { evaluateCommonJs, instrument, ProbeHost } from '../test-support/probe-host';
import { findInlineMap } from './source-origin';

const TS_FILE = join(__dirname, '__fixtures__', 'orders.ts');
const JS_FILE = TS_FILE.replace(/\.ts$/, '.js');
const source = readFileSync(TS_FILE, 'utf8');
const root = join(__dirname, '..', '..');
const file = 'src/transform/__fixtures__/orders.ts';

const compilerOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  useDefineForClassFields: false,
};

/** Compiles with the real TypeScript compiler, as tsc / ts-node would. */
function tsc(code: string, extra: ts.CompilerOptions = {}): string {
  return ts.transpileModule(code, { fileName: TS_FILE, compilerOptions: { ...compilerOptions, ...extra } }).outputText;
}

/** Compiles with esbuild, as tsx / Vite would. */
function esbuild(code: string, sourcemap?: 'inline'): string {
  return transformSync(code, {
    loader: 'ts',
    // tsx compiles with keepNames: its `__name` helper and CJS export getters are not user code.
    keepNames: true,
    format: 'cjs',
    target: 'es2022',
    sourcefile: TS_FILE,
    ...(sourcemap ? { sourcemap } : {}),
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
  }).code;
}

const run = (js: string): Promise<unknown[]> => (evaluateCommonJs(js, JS_FILE).run as () => Promise<unknown[]>)();

/** 1-based line of the first line of the TypeScript source containing `text`. */
const lineOf = (text: string): number => source.split('\n').findIndex((line) => line.includes(text)) + 1;

let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});

describe('TypeScript input', () => {
  const transformed = instrument(source, { filename: TS_FILE, root });

  it('is instrumented before compilation with TypeScript ids', () => {
    expect(transformed.nodes.map((n) => n.ast_node_id)).toEqual([
      `${file}:logged:function`,
      `${file}:logged/arrow#1`,
      `${file}:logged/arrow#1/descriptor.value:function`,
      `${file}:Repository.save:method`,
      `${file}:OrderRepository.constructor:constructor`,
      `${file}:OrderRepository.describe:method`,
      `${file}:OrderRepository.total:method`,
      `${file}:OrderRepository.total/arrow#1`,
      `${file}:OrderRepository.total/arrow#2`,
      `${file}:OrderRepository.pay:method`,
      `${file}:OrderRepository.stream:method`,
      `${file}:run:function`,
    ]);
    expect(transformed.nodes.find((n) => n.name === 'OrderRepository.pay')?.line).toBe(lineOf('  pay(this'));
  });

  it.each([
    ['typescript', (code: string) => tsc(code)],
    ['esbuild', (code: string) => esbuild(code)],
  ])('then compiled by %s, runs the same as the uninstrumented program', async (_name, compile) => {
    const expected = await run(compile(source));
    expect(expected[0]).toBe('orders in EUR');
    const host = new ProbeHost();
    uninstall = host.install();
    expect(await run(compile(transformed.code))).toEqual(expected);
    expect(host.problems).toEqual([]);
    const ids = new Set(host.calls.map((call) => call.id.split(':')[1]));
    expect(ids).toEqual(
      new Set([
        'run',
        'OrderRepository.constructor',
        'Repository.save',
        'logged/arrow#1',
        'logged',
        'OrderRepository.describe',
        'OrderRepository.total',
        'OrderRepository.total/arrow#1',
        'OrderRepository.total/arrow#2',
        'logged/arrow#1/descriptor.value',
        'OrderRepository.pay',
        'OrderRepository.stream',
      ]),
    );
    expect(host.calls.every((call) => call.exited === 1)).toBe(true);
    const [constructed] = host.callsOf(`${file}:OrderRepository.constructor:constructor`);
    expect(constructed?.args).toEqual(['EUR', 'open']);
  });
});

describe('compiled JavaScript with an inline source map', () => {
  it.each([
    ['tsc', () => tsc(source, { inlineSourceMap: true, inlineSources: true })],
    ['esbuild', () => esbuild(source, 'inline')],
  ])('(%s) gets ids, lines and hashes of the .ts source', async (_name, compile) => {
    const js = compile();
    const direct = instrument(source, { filename: TS_FILE, root });
    const result = instrument(js, { filename: JS_FILE, root });
    const byName = new Map(result.nodes.map((n) => [n.name, n]));
    // Compiler helpers (__decorate, __awaiter...) map to no source: they are left alone.
    expect(result.nodes.some((n) => n.name.startsWith('__'))).toBe(false);
    expect(result.nodes.map((n) => n.ast_node_id).sort()).toEqual(direct.nodes.map((n) => n.ast_node_id).sort());
    for (const expected of direct.nodes) {
      const node = byName.get(expected.name);
      expect(node?.ast_node_id, expected.name).toBe(expected.ast_node_id);
      expect(node?.line, expected.name).toBe(expected.line);
    }
    expect(byName.get('run')?.hash).toBe(direct.nodes.find((n) => n.name === 'run')?.hash);
    expect(result.file).toBe(file);
    // The inline map of the output is the composed map: it points at the .ts lines.
    const inline = findInlineMap(result.code);
    expect(inline).toBeDefined();
    const trace = new TraceMap(inline?.map ?? '');
    const lines = result.code.split('\n');
    const runLine = lines.findIndex((line) => line.includes('function run(')) + 1;
    const column = lines[runLine - 1]?.indexOf('function run(') ?? 0;
    expect(originalPositionFor(trace, { line: runLine, column }).line).toBe(lineOf('export async function run'));
    expect(await run(result.code)).toEqual(await run(js));
  });

  it('takes the map as an inputSourceMap object too (what a loader such as tsx hands over)', () => {
    const compiled = transformSync(source, { loader: 'ts', format: 'cjs', sourcefile: TS_FILE, sourcemap: 'external' });
    const map = JSON.parse(compiled.map) as object;
    const result = instrument(compiled.code, { filename: JS_FILE, root, inputSourceMap: map });
    expect(result.file).toBe(file);
    expect(result.nodes.find((n) => n.name === 'OrderRepository.pay')).toMatchObject({
      ast_node_id: `${file}:OrderRepository.pay:method`,
      line: lineOf('  pay(this'),
    });
    // The composed map points the instrumented code at the .ts source.
    expect(result.map?.sources.map((s) => s?.replace(/^.*\//, ''))).toEqual(['orders.ts']);
  });
});
