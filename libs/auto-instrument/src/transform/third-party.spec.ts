import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { ProbeHost } from '../test-support/probe-host';
import { transformSource } from './transform-source';

const load = createRequire(__filename);
const work = mkdtempSync(join(tmpdir(), 'tb-third-party-'));
// The copies resolve their own dependencies (magic-string needs @jridgewell/sourcemap-codec).
symlinkSync(join(__dirname, '..', '..', '..', '..', 'node_modules'), join(work, 'node_modules'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Copies a package and instruments every .js file of it, as TB_INCLUDE would at load. */
function instrumentedCopy(name: string): { dir: string; functions: number } {
  const source = dirname(load.resolve(`${name}/package.json`));
  const dir = join(work, name);
  cpSync(source, dir, { recursive: true });
  let functions = 0;
  const visit = (path: string): void => {
    for (const entry of readdirSync(path)) {
      const file = join(path, entry);
      if (statSync(file).isDirectory()) visit(file);
      else if (/\.c?js$/.test(file)) {
        const result = transformSource(readFileSync(file, 'utf8'), { filename: file, root: dir, sourceType: 'script' });
        expect(result.warnings).toEqual([]);
        functions += result.nodes.length;
        writeFileSync(file, result.code);
      }
    }
  };
  visit(dir);
  return { dir, functions };
}

describe('third-party libraries, instrumented', () => {
  it('picomatch (CommonJS, regex-heavy) matches exactly as before, every call balanced', () => {
    const original = load('picomatch') as (glob: string) => (path: string) => boolean;
    const { dir, functions } = instrumentedCopy('picomatch');
    expect(functions).toBeGreaterThan(50);
    const host = new ProbeHost();
    const uninstall = host.install();
    try {
      const instrumented = load(dir) as typeof original;
      const globs = ['**/*.js', 'src/{a,b}/*.ts', '!(*.d).ts', '**/node_modules/**', 'a/**/b/*.{js,mjs}', '[a-c]?.md'];
      const paths = ['src/a/x.ts', 'x.d.ts', 'lib/node_modules/y.js', 'a/c/d/b/e.mjs', 'q.js', 'b1.md'];
      const run = (pm: typeof original): boolean[][] => globs.map((glob) => paths.map((path) => pm(glob)(path)));
      expect(run(instrumented)).toEqual(run(original));
      expect(host.calls.length).toBeGreaterThan(100);
      expect(host.calls.filter((call) => call.exited !== 1)).toEqual([]);
      expect(host.callsOf('lib/picomatch.js:picomatch:arrow').length).toBeGreaterThan(0);
    } finally {
      uninstall();
    }
  });

  it('magic-string (classes, getters, string building) produces the same code and maps', () => {
    type Ms = new (code: string) => {
      appendLeft(i: number, s: string): unknown;
      overwrite(a: number, b: number, s: string): unknown;
      toString(): string;
      generateMap(o: object): { toString(): string };
    };
    const { dir } = instrumentedCopy('magic-string');
    const host = new ProbeHost();
    const uninstall = host.install();
    try {
      const run = (MagicString: Ms): string[] => {
        const ms = new MagicString('const a = 1;\nfunction f() { return a; }\n');
        ms.appendLeft(6, 'b');
        ms.overwrite(0, 5, 'let');
        return [ms.toString(), ms.generateMap({ hires: true, source: 'x.js' }).toString()];
      };
      const instrumented = load(join(dir, 'dist', 'magic-string.cjs.js')) as Ms;
      expect(run(instrumented)).toEqual(run(load('magic-string') as Ms));
      expect(host.calls.length).toBeGreaterThan(10);
      expect(host.calls.filter((call) => call.exited !== 1)).toEqual([]);
    } finally {
      uninstall();
    }
  });
});
