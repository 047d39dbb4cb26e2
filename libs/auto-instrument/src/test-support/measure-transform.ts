/**
 * Measures the transform's cost per MB of source: parse only (oxc-parser) and the whole
 * transformSource (parse, walk, edits, source map). Not a test; run it by hand:
 *   npx tsx libs/auto-instrument/src/test-support/measure-transform.ts [file.js ...]
 * Figures are noisy on a shared machine: it reports the median of several rounds.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';

import { transformSource } from '../index';
import { parseSync } from '../transform/parser';

const resolve = createRequire(__filename).resolve;
const defaults = ['typescript/lib/typescript.js', 'rollup/dist/shared/rollup.js', 'esbuild/lib/main.js'].map((p) =>
  resolve(p),
);
const files = process.argv.length > 2 ? process.argv.slice(2) : defaults;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

for (const file of files) {
  const code = readFileSync(file, 'utf8');
  const mb = Buffer.byteLength(code) / 1024 / 1024;
  const rounds = mb > 4 ? 3 : 7;
  const parse: number[] = [];
  const full: number[] = [];
  const noMap: number[] = [];
  let nodes = 0;
  for (let i = 0; i < rounds; i += 1) {
    let start = performance.now();
    parseSync(file, code, { sourceType: 'unambiguous', preserveParens: true });
    parse.push(performance.now() - start);
    start = performance.now();
    nodes = transformSource(code, { filename: file, root: dirname(file), sourceType: 'script' }).nodes.length;
    full.push(performance.now() - start);
    start = performance.now();
    transformSource(code, { filename: file, root: dirname(file), sourceType: 'script', sourceMap: false });
    noMap.push(performance.now() - start);
  }
  const perMb = (values: number[]): string => (median(values) / mb).toFixed(1);
  console.log(
    `${file}: ${mb.toFixed(2)} MB, ${nodes} functions; ms per MB: parse ${perMb(parse)}, ` +
      `transform ${perMb(full)} (without source map ${perMb(noMap)})`,
  );
}
