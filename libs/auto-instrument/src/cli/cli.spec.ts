import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { INSTRUMENTED_MARKER } from '../transform/manifest';
import { evaluateCommonJs, ProbeHost } from '../test-support/probe-host';
import { main, type Output } from './main';

interface Cart {
  add(price: number): Cart;
  total(): number;
}

let dir: string;
let uninstall: (() => void) | undefined;

const TS_SOURCE = `export class Cart {
  private items: number[] = [];

  add(price: number): this {
    this.items.push(price);
    return this;
  }

  total(): number {
    return this.items.reduce((a, b) => a + b, 0);
  }
}
`;

function write(path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

function capture(): { stream: Output; text: () => string } {
  let text = '';
  const stream: Output = { write: (chunk: string) => (text += chunk) };
  return { stream, text: () => text };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tb-cli-'));
  write('dist/app.js', 'function greet(name) { return `hi ${name}`; }\nmodule.exports = { greet };\n');
  write('dist/esm.mjs', 'export const twice = (x) => x * 2;\n');
  write('dist/constants.js', 'module.exports = { answer: 42 };\n');
  write('dist/broken.js', 'function ok() {}\nconst = 1;\n');
  write('dist/node_modules/dep/index.js', 'module.exports = function dep() {};\n');
  write('src/cart.ts', TS_SOURCE);
  const compiled = ts.transpileModule(TS_SOURCE, {
    fileName: join(dir, 'src/cart.ts'),
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true },
  });
  write('dist/cart.js', compiled.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=cart.js.map'));
  const map = JSON.parse(compiled.sourceMapText ?? '{}') as { sources: string[] };
  map.sources = ['../src/cart.ts'];
  write('dist/cart.js.map', JSON.stringify(map));
});

afterEach(() => {
  uninstall?.();
  uninstall = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('temporal-bridge-instrument <dir>', () => {
  it('instruments built JS in place, through existing .map files, and prints a summary', () => {
    const out = capture();
    const err = capture();
    const manifest = join(dir, 'manifest.jsonl');
    const code = main([join(dir, 'dist'), '--root', dir, '--manifest', manifest], out.stream, err.stream);
    expect(code).toBe(0);
    expect(out.text()).toBe(
      'instrumented 3 files, 5 functions; skipped 0 already instrumented, 1 without functions; ' +
        '1 failed (dist/broken.js)\n',
    );
    expect(err.text()).toBe('warning: dist/broken.js: not instrumented: Unexpected token at 2:7\n');
    expect(readFileSync(join(dir, 'dist/broken.js'), 'utf8')).toBe('function ok() {}\nconst = 1;\n');
    expect(readFileSync(join(dir, 'dist/node_modules/dep/index.js'), 'utf8')).not.toContain(INSTRUMENTED_MARKER);
    expect(readFileSync(join(dir, 'dist/esm.mjs'), 'utf8')).toContain(INSTRUMENTED_MARKER);

    // Ids and lines of the TypeScript source, through cart.js.map.
    const nodes = readFileSync(manifest, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { file: string; ast_node_id: string; line: number });
    expect(nodes.map((n) => [n.file, n.ast_node_id, n.line])).toEqual(
      [
        ['dist/app.js', 'dist/app.js:greet:function', 1],
        ['src/cart.ts', 'src/cart.ts:Cart.add:method', 4],
        ['src/cart.ts', 'src/cart.ts:Cart.total:method', 9],
        ['src/cart.ts', 'src/cart.ts:Cart.total/arrow#1', 10],
        ['dist/esm.mjs', 'dist/esm.mjs:twice:arrow', 1],
      ]
        .concat([])
        .slice(0, 5),
    );
    // The .map file now maps the instrumented code to the .ts lines.
    const cart = readFileSync(join(dir, 'dist/cart.js'), 'utf8');
    const trace = new TraceMap(readFileSync(join(dir, 'dist/cart.js.map'), 'utf8'));
    const lines = cart.split('\n');
    const totalLine = lines.findIndex((line) => line.includes('total() {')) + 1;
    const column = lines[totalLine - 1]?.indexOf('total') ?? 0;
    expect(originalPositionFor(trace, { line: totalLine, column })).toMatchObject({ line: 9 });

    const host = new ProbeHost();
    uninstall = host.install();
    const { Cart } = evaluateCommonJs(cart, join(dir, 'dist/cart.js')) as { Cart: new () => Cart };
    expect(new Cart().add(2).add(3).total()).toBe(5);
    expect(host.calls.map((call) => call.id)).toEqual([
      'src/cart.ts:Cart.add:method',
      'src/cart.ts:Cart.add:method',
      'src/cart.ts:Cart.total:method',
      'src/cart.ts:Cart.total/arrow#1',
      'src/cart.ts:Cart.total/arrow#1',
    ]);
  });

  it('skips already-instrumented files on a second run, through the real bin', () => {
    main([join(dir, 'dist'), '--root', dir], capture().stream, capture().stream);
    const before = readFileSync(join(dir, 'dist/app.js'), 'utf8');
    // The bin as a user runs it (from TypeScript sources here, through tsx's loader).
    const tsx = pathToFileURL(join(__dirname, '..', '..', '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs'));
    const output = execFileSync(
      process.execPath,
      ['--import', tsx.href, join(__dirname, 'main.ts'), 'dist', '--exclude', '**/broken.js'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(output).toBe(
      'instrumented 0 files, 0 functions; skipped 3 already instrumented, 1 without functions; 0 failed\n',
    );
    expect(readFileSync(join(dir, 'dist/app.js'), 'utf8')).toBe(before);
  });

  it('rejects bad usage with exit code 2', () => {
    const err = capture();
    expect(main([], capture().stream, err.stream)).toBe(2);
    expect(err.text()).toContain('expected exactly one directory');
    expect(main([join(dir, 'missing')], capture().stream, capture().stream)).toBe(2);
  });
});
