/**
 * Measures the transform's cost per MB of source: parse only (oxc-parser) and the whole
 * transformSource (parse, walk, edits, source map). Not a test; run it by hand:
 *   npx tsx libs/auto-instrument/src/test-support/measure-transform.ts [file.js ...]
 * Figures are noisy on a shared machine: it reports the median of several rounds.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

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
  // CPU time of this process (user + system), less distorted than wall time on a shared machine.
  const cpu = (): number => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  const options = { filename: file, root: dirname(file), sourceType: 'script' as const };
  for (let i = 0; i < rounds; i += 1) {
    let start = cpu();
    // `program` is deserialized lazily: touch it so the parse figure includes that.
    void parseSync(file, code, { sourceType: 'commonjs', preserveParens: true }).program;
    parse.push(cpu() - start);
    start = cpu();
    nodes = transformSource(code, options).nodes.length;
    full.push(cpu() - start);
    start = cpu();
    transformSource(code, { ...options, sourceMap: false });
    noMap.push(cpu() - start);
  }
  const perMb = (values: number[]): string => (median(values) / mb).toFixed(0);
  console.log(
    `${file}: ${mb.toFixed(2)} MB, ${nodes} functions; CPU ms per MB (median of ${rounds}): parse ${perMb(parse)}, ` +
      `transform ${perMb(full)}, transform without source map ${perMb(noMap)}`,
  );
}
