// Cost of automatic instrumentation, in one run: per call of a trivial
// function (not instrumented; instrumented with emission off; within the
// node's budget on the no-op and the in-process transport; beyond the
// budget), a CPU-bound third-party workload (acorn parsing a large input)
// uninstrumented vs instrumented with the defaults (and with emission off:
// the probes alone), and the transform's cost per MB of source at load (and
// the parser's share of it). Not a test: it prints.
// Run: npm run bench:instrumentation   (BENCH_OPS, BENCH_RUNS to change the sizes)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { transformSource } from '@temporal-bridge/auto-instrument';
import { setRegisteredHandler } from '@temporal-bridge/event-schema';
import { InstrumentationRuntime, ProbeHost, type Transport } from '@temporal-bridge/instrumentation';

import { measure, printTable, type Result, type Scenario } from '../sdk/measure';

const OPS = Number(process.env['BENCH_OPS'] ?? 200_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const WORKLOAD_RUNS = 5;
// register's capture defaults (TB_CAPTURE_DEPTH, TB_CAPTURE_ITEMS, TB_CAPTURE_STRING).
const AUTO_CAPTURE = { maxDepth: 3, maxItems: 20, maxStringLength: 256 };
const PROBES = Symbol.for('temporal-bridge.probes');
const here = createRequire(__filename);
const dir = mkdtempSync(join(tmpdir(), 'tb-bench-instr-'));
const load = createRequire(join(dir, 'index.js'));

// The in-process transport's destination: a bridge stand-in that takes each batch and discards it.
let handled = 0;
setRegisteredHandler({
  correlateEvent: async () => void (handled += 1),
  correlateEvents: async (events: readonly unknown[]) => {
    handled += events.length;
    return { rejected: [] };
  },
});
const noop: Transport = { name: 'noop', send: async () => ({ rejected: [] }), close: async () => undefined };
const delivery: string[] = [];

const TRIVIAL = 'function trivial(a) {\n  return a + 1;\n}\nmodule.exports = { trivial };\n';
let copies = 0;

/** Writes `source` (instrumented by the real transform when asked) and requires a fresh copy with `host` installed. */
function loadModule<T>(source: string, name: string, host: ProbeHost | undefined, instrument: boolean): T {
  const file = join(dir, `${name}-${(copies += 1)}.cjs`);
  const code = instrument ? transformSource(source, { filename: file, root: dir, sourceType: 'script' }).code : source;
  writeFileSync(file, code);
  const global = globalThis as Record<symbol, unknown>;
  if (host === undefined) delete global[PROBES];
  else global[PROBES] = host;
  return load(file) as T;
}

type Trivial = { trivial: (a: number) => number };
let sink = 0;

interface Setup {
  runtime?: InstrumentationRuntime;
  host?: ProbeHost;
  fn: (a: number) => number;
}

function scenario(name: string, events: number, make: () => Setup): Scenario {
  let current: Setup | undefined;
  return {
    name,
    events,
    setup: () => void (current = make()),
    op: () => void (sink = current!.fn(sink & 7)),
    drain: () => current!.runtime?.flush(60_000) ?? Promise.resolve(),
    teardown: async () => {
      const { runtime, host } = current!;
      if (runtime !== undefined) {
        const s = runtime.stats();
        delivery.push(`${name}: emitted ${s.emitted}, sent ${s.sent}, dropped ${s.dropped.total}`);
      }
      if (host !== undefined) {
        const c = host.stats();
        delivery.push(`${name}: hits ${c.hits}, unrecorded ${c.unrecorded}`);
      }
      host?.shutdown();
      await runtime?.shutdown();
    },
  };
}

function instrumented(
  transport: Transport | 'in-process' | undefined,
  budget: number | 'unlimited',
  enabled = true,
): () => Setup {
  return () => {
    const runtime =
      transport === undefined
        ? undefined
        : new InstrumentationRuntime({
            service: 'bench',
            enabled,
            transport: transport === 'in-process' ? { kind: 'in-process' } : transport,
            queue: { capacity: 100_000, batchSize: 1_000 },
            dropReportIntervalMs: 0,
          });
    const host = new ProbeHost(runtime, { nodeBudget: budget, reportIntervalMs: 0 });
    const { trivial } = loadModule<Trivial>(TRIVIAL, 'trivial', host, true);
    // Beyond budget: the first call of the window spends the budget of 1.
    trivial(0);
    return { runtime, host, fn: trivial };
  };
}

const scenarios: Scenario[] = [
  scenario('not instrumented', 0, () => ({ fn: loadModule<Trivial>(TRIVIAL, 'plain', undefined, false).trivial })),
  scenario('instrumented, emission off', 0, instrumented(noop, 'unlimited', false)),
  scenario('within budget, no-op transport', 2, instrumented(noop, 'unlimited')),
  scenario('within budget, in-process', 2, instrumented('in-process', 'unlimited')),
  scenario('beyond budget', 0, instrumented(noop, 1)),
];

interface Acorn {
  parse(input: string, options: { ecmaVersion: 'latest'; sourceType: 'script' }): unknown;
}

/** acorn parsing its own source (~250 KB) 3 times: ms per workload run, and the output as JSON. */
function workload(acorn: Acorn, input: string): [number, string] {
  const start = performance.now();
  let out = '';
  for (let i = 0; i < 3; i += 1)
    out = JSON.stringify(acorn.parse(input, { ecmaVersion: 'latest', sourceType: 'script' }));
  return [performance.now() - start, out];
}

interface Workload {
  plain: number;
  withDefaults: number;
  /** Instrumented, emission off: what the probes alone cost (every call counted, none recorded). */
  emissionOff: number;
  identical: boolean;
  stats: string;
}

async function thirdParty(): Promise<Workload> {
  const acornFile = here.resolve('acorn');
  const source = readFileSync(acornFile, 'utf8');
  const plain = loadModule<Acorn>(source, 'acorn-plain', undefined, false);
  const runtime = new InstrumentationRuntime({
    service: 'bench',
    transport: noop,
    dropReportIntervalMs: 0,
    capture: AUTO_CAPTURE,
  });
  const host = new ProbeHost(runtime, { reportIntervalMs: 0 }); // defaults: 100 calls per node per second
  const traced = loadModule<Acorn>(source, 'acorn-instrumented', host, true);
  const off = loadModule<Acorn>(source, 'acorn-emission-off', new ProbeHost(undefined), true);
  const times: [number[], number[], number[]] = [[], [], []];
  let identical = true;
  for (let r = 0; r < WORKLOAD_RUNS + 1; r += 1) {
    const [a, outA] = workload(plain, source);
    const [b, outB] = workload(traced, source);
    const [c, outC] = workload(off, source);
    await runtime.flush(60_000);
    identical &&= outA === outB && outA === outC;
    if (r > 0) [a, b, c].forEach((t, i) => times[i]!.push(t));
  }
  const s = host.stats();
  const r = runtime.stats();
  const stats =
    `acorn instrumented: ${s.nodes} nodes, ${s.hits} calls, ${s.unrecorded} unrecorded (over budget, or the queue ` +
    `full in the synchronous burst), ${r.emitted} events, ${r.dropped.total} dropped`;
  host.shutdown();
  await runtime.shutdown();
  return { plain: median(times[0]), withDefaults: median(times[1]), emissionOff: median(times[2]), identical, stats };
}

interface Oxc {
  parseSync(filename: string, code: string, options: object): { program: { body: unknown[] } };
}

/**
 * ms per MB of source for transformSource on real library files (warm: the parser is loaded once
 * first); without a source map, as register does for plain JavaScript, or with one (code from tsx).
 * `parseOnly`: oxc-parser's parse and the reading of its AST (what the transform starts with, the
 * floor of its cost), with the transform's options.
 */
function transformCost(mode: 'no map' | 'map' | 'parse only'): { msPerMb: number; bytes: number } {
  const files = ['acorn', 'lodash'].map((name) => here.resolve(name));
  const sources = files.map((file) => [file, readFileSync(file, 'utf8')] as const);
  const oxc = here('oxc-parser') as Oxc;
  const once = (file: string, code: string): void => {
    if (mode === 'parse only') void oxc.parseSync(file, code, { preserveParens: true }).program.body.length;
    else transformSource(code, { filename: file, root: dir, sourceMap: mode === 'map' });
  };
  once(sources[0]![0], sources[0]![1]);
  let bytes = 0;
  const start = performance.now();
  for (let r = 0; r < 3; r += 1) {
    for (const [file, code] of sources) {
      once(file, code);
      bytes += Buffer.byteLength(code);
    }
  }
  return { msPerMb: (performance.now() - start) / (bytes / 1_048_576), bytes: bytes / 3 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A target against the wall-clock median and the CPU time (steadier when the machine is shared). */
function check(label: string, wall: number, cpu: number, unit: string, target: number): void {
  const verdict = (v: number): string => (v <= target ? 'met' : 'MISSED');
  console.log(
    `  ${label.padEnd(44)} wall ${wall.toFixed(1).padStart(7)} ${verdict(wall).padEnd(6)} cpu ${cpu.toFixed(1).padStart(7)} ${verdict(cpu).padEnd(6)} ${unit}, target <= ${target}`,
  );
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${OPS} calls per run, ${RUNS} runs (+1 warm-up), median reported`);
  const results: Result[] = [];
  for (const s of scenarios) results.push(await measure(s, OPS, RUNS));
  printTable(results);
  const work = await thirdParty();
  const transform = transformCost('no map');
  const mapped = transformCost('map');
  const parse = transformCost('parse only');
  const by = (name: string): Result => results.find((r) => r.name === name)!;
  const base = by('not instrumented');
  console.log('\nper call, over not instrumented (wall clock median; cpu in brackets)');
  for (const r of results.slice(1)) {
    console.log(
      `  ${r.name.padEnd(34)} +${(r.median - base.median).toFixed(1).padStart(7)} ns  [cpu +${(r.cpu - base.cpu).toFixed(1)} ns]`,
    );
  }
  console.log(
    `\nworkload (acorn parsing ${(readFileSync(here.resolve('acorn')).length / 1024).toFixed(0)} KB x3): ` +
      `not instrumented ${work.plain.toFixed(1)} ms, instrumented with defaults ${work.withDefaults.toFixed(1)} ms ` +
      `(${(work.withDefaults / work.plain).toFixed(2)}x), with emission off ${work.emissionOff.toFixed(1)} ms ` +
      `(${(work.emissionOff / work.plain).toFixed(2)}x: the probes alone), outputs identical: ${work.identical}`,
  );
  console.log(
    `transform: ${transform.msPerMb.toFixed(1)} ms per MB, ${mapped.msPerMb.toFixed(1)} ms per MB with a source map ` +
      `(acorn + lodash: ${(transform.bytes / 1024).toFixed(0)} KB); of which oxc-parser's parse and AST alone ` +
      `${parse.msPerMb.toFixed(1)} ms per MB`,
  );
  console.log('\ntargets');
  const over = (name: string): [number, number] => [by(name).median - base.median, by(name).cpu - base.cpu];
  const abs = (name: string): [number, number] => [by(name).median, by(name).cpu];
  check('emission off, over not instrumented', ...over('instrumented, emission off'), 'ns', 10);
  check('beyond budget, over not instrumented', ...over('beyond budget'), 'ns', 30);
  check('within budget (no-op transport), per call', ...abs('within budget, no-op transport'), 'ns', 400);
  check('within budget (in-process), per call', ...abs('within budget, in-process'), 'ns', 400);
  const ratio = work.withDefaults / work.plain;
  check('workload instrumented / not instrumented', ratio, ratio, 'x', 2);
  check('transform per MB (no map, as for plain JS)', transform.msPerMb, transform.msPerMb, 'ms', 50);
  console.log('\ndelivery (all runs)');
  for (const line of delivery) console.log(`  ${line}`);
  console.log(`  ${work.stats}`);
  console.log(`  in-process handler received ${handled} events; sink ${sink}`);
  rmSync(dir, { recursive: true, force: true });
}

void main();
