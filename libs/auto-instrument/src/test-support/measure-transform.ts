/**
 * Measures the transform's cost per MB of source: parse only (oxc-parser) and the whole
 * transformSource (parse, walk, edits, source map), with and without a map. Not a test; run it
 * by hand:
 *   npx tsx libs/auto-instrument/src/test-support/measure-transform.ts [--baseline <module>] [file.js ...]
 * `--baseline` names another checkout's transform (e.g. /work/main/libs/auto-instrument/src/index.ts):
 * its transformSource is measured in the same rounds, interleaved, for a before/after comparison.
 * Figures are noisy on a shared machine: it reports the median CPU time of several rounds.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve as resolvePath } from 'node:path';

import { transformSource } from '../index';
import { parseSync } from '../transform/parser';

const require = createRequire(__filename);
const args = process.argv.slice(2);
const baselineAt = args.indexOf('--baseline');
const baselineModule = baselineAt >= 0 ? args.splice(baselineAt, 2)[1] : undefined;
const baseline = baselineModule
  ? (require(resolvePath(baselineModule)) as { transformSource: typeof transformSource }).transformSource
  : undefined;
const defaults = ['typescript/lib/typescript.js', 'rollup/dist/shared/rollup.js', 'esbuild/lib/main.js'].map((p) =>
  require.resolve(p),
);
const files = args.length > 0 ? args : defaults;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

// CPU time of this process (user + system), less distorted than wall time on a shared machine.
const cpu = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

for (const file of files) {
  const code = readFileSync(file, 'utf8');
  const mb = Buffer.byteLength(code) / 1024 / 1024;
  const rounds = mb > 4 ? 3 : 7;
  const options = { filename: file, root: dirname(file), sourceType: 'script' as const };
  const variants: [string, () => unknown][] = [
    // `program` is deserialized lazily: touch it so the parse figure includes that.
    ['parse', () => parseSync(file, code, { sourceType: 'commonjs', preserveParens: true }).program],
    ['transform', () => transformSource(code, options)],
    ['transform without source map', () => transformSource(code, { ...options, sourceMap: false })],
  ];
  if (baseline) {
    variants.push(['baseline transform', () => baseline(code, options)]);
    variants.push(['baseline without source map', () => baseline(code, { ...options, sourceMap: false })]);
  }
  const times = variants.map(() => [] as number[]);
  for (let i = 0; i < rounds; i += 1) {
    variants.forEach(([, run], v) => {
      const start = cpu();
      run();
      times[v]?.push(cpu() - start);
    });
  }
  const nodes = transformSource(code, options).nodes.length;
  const figures = variants.map(([name], v) => `${name} ${(median(times[v] ?? []) / mb).toFixed(0)}`).join(', ');
  console.log(`${file}: ${mb.toFixed(2)} MB, ${nodes} functions; CPU ms per MB (median of ${rounds}): ${figures}`);
}
