import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { buildProjects, repoPath } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  expectOneExitPerEntry,
  type ManifestLine,
  readManifest,
  REGISTER,
  runNode,
  type Standalone,
  startStandalone,
} from './test-support/auto-app';

/**
 * Third-party code instrumented through TB_INCLUDE: semver (CommonJS, one
 * small module per function) and acorn (a single ES module, a recursive
 * descent parser), driven by a workload. The output must be the same byte
 * for byte, and the entries per function must equal its calls, counted
 * independently of the transform and the runtime: by V8's own precise
 * coverage (NODE_V8_COVERAGE, invocation counts per function) of the
 * uninstrumented run, matched to the manifest by source range.
 */
const LIBS = ['semver', 'acorn'];
const MODIFIERS = /^(?:(?:get|set|static|async)\s+|\*\s*)+$/;
const INCLUDE = LIBS.map((lib) => `node_modules/${lib}/**`).join(',');

let server: Standalone | undefined;
let app = '';
let plain = '';
let calls: Record<string, number> = {};

interface V8Coverage {
  result: {
    url: string;
    functions: { functionName: string; ranges: { startOffset: number; endOffset: number; count: number }[] }[];
  }[];
}

/**
 * Calls per AST node from V8's coverage: each function V8 reports is matched
 * to the manifest node with the same source range (UTF-16 offsets; V8's
 * function range and the manifest's both run from the first parameter or
 * key, `function` keyword included, to the closing brace). A function V8
 * never compiled never ran and is absent: its node counts 0. Every reported
 * function must match exactly one node, or the count cannot be trusted.
 */
function callsFromCoverage(dir: string, nodes: ManifestLine[]): Record<string, number> {
  const counts: Record<string, number> = {};
  const unmatched: string[] = [];
  const [file] = readdirSync(dir);
  const coverage = JSON.parse(readFileSync(join(dir, file!), 'utf8')) as V8Coverage;
  for (const script of coverage.result) {
    if (!LIBS.some((lib) => script.url.startsWith(pathToFileURL(join(app, 'node_modules', lib)).href + '/'))) continue;
    const path = decodeURIComponent(script.url.slice(pathToFileURL(app).href.length + 1));
    const text = readFileSync(join(app, path), 'utf8');
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
    const offset = (line: number, column: number): number => lineStarts[line - 1]! + column - 1;
    const byEnd = new Map<number, { start: number; id: string }[]>();
    for (const n of nodes.filter((node) => node.file === path)) {
      const end = offset(n.end_line, n.end_column);
      byEnd.set(end, [...(byEnd.get(end) ?? []), { start: offset(n.line, n.column), id: n.ast_node_id }]);
    }
    for (const fn of script.functions) {
      const [whole] = fn.ranges;
      // The module's own top-level code.
      if (whole!.startOffset === 0 && fn.functionName === '') continue;
      // V8 starts an accessor at its `get` / `set`, the manifest at its key.
      const found = (byEnd.get(whole!.endOffset) ?? []).filter(
        (n) => n.start === whole!.startOffset || MODIFIERS.test(text.slice(whole!.startOffset, n.start)),
      );
      if (found.length !== 1)
        unmatched.push(`${path}:${fn.functionName}@${whole!.startOffset} (${whole!.count} calls)`);
      else if (whole!.count > 0) counts[found[0]!.id] = whole!.count;
    }
  }
  expect(unmatched, 'functions V8 ran that the manifest does not name').toEqual([]);
  return counts;
}

const entriesPerNode = (events: SerializedEvent[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const e of events)
    if (e.event_type === 'function_entry') counts[e.ast_node_id!] = (counts[e.ast_node_id!] ?? 0) + 1;
  return counts;
};

const dropReports = (events: SerializedEvent[]): SerializedEvent[] =>
  events.filter((e) => e.event_type === 'log' && e.data?.['dropped'] !== undefined);

const sum = (counts: Record<string, number>, prefix = ''): number =>
  Object.entries(counts)
    .filter(([id]) => id.startsWith(prefix))
    .reduce((total, [, n]) => total + n, 0);

/** Entries per node plus the unrecorded calls the `log` reports counted per node. */
function withUnrecorded(recorded: Record<string, number>, events: SerializedEvent[]): Record<string, number> {
  const total: Record<string, number> = { ...recorded };
  let reported = 0;
  for (const e of events) {
    const counts = e.event_type === 'log' ? (e.data?.['unrecorded'] as Record<string, number> | undefined) : undefined;
    for (const [id, n] of Object.entries(counts ?? {})) {
      total[id] = (total[id] ?? 0) + n;
      reported += n;
    }
  }
  expect(reported).toBeGreaterThan(0);
  return total;
}

beforeAll(async () => {
  await buildProjects('libs/instrumentation/tsconfig.lib.json', 'services/standalone/tsconfig.app.json');
  app = mkdtempSync(join(tmpdir(), 'tb-third-party-'));
  cpSync(join(__dirname, '__fixtures__', 'third-party'), app, { recursive: true });
  // Copies, not links: Node resolves a link to its real path, outside the project root.
  for (const lib of LIBS) cpSync(repoPath('node_modules', lib), join(app, 'node_modules', lib), { recursive: true });
  server = await startStandalone();
  const coverage = join(app, 'coverage');
  const run = await runNode(app, ['workload.mjs'], { NODE_V8_COVERAGE: coverage });
  expect(run).toMatchObject({ code: 0, stderr: '' });
  plain = run.stdout;
  // The manifest of the libraries, without running them instrumented: TB_ENABLED=0 still writes it.
  const manifest = join(app, 'manifest.jsonl');
  const off = await runNode(app, ['--import', REGISTER, 'workload.mjs'], {
    TB_ENDPOINT: server.url,
    TB_INCLUDE: INCLUDE,
    TB_ENABLED: '0',
    TB_MANIFEST: manifest,
  });
  expect(off).toEqual({ code: 0, stdout: plain, stderr: '' });
  calls = callsFromCoverage(coverage, readManifest(manifest));
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (app !== '') rmSync(app, { recursive: true, force: true });
});

describe('third-party libraries instrumented through TB_INCLUDE', () => {
  it('gives the same output byte for byte, and one entry per call of every function with budgets off', async () => {
    // Both libraries did real work: thousands of calls, in both module styles.
    expect(sum(calls, 'node_modules/semver/')).toBeGreaterThan(1_000);
    expect(sum(calls, 'node_modules/acorn/dist/acorn.mjs:')).toBeGreaterThan(1_000);
    const service = 'third-party-unlimited';
    const run = await runNode(app, ['--import', REGISTER, 'workload.mjs'], {
      TB_ENDPOINT: server!.url,
      TB_SERVICE: service,
      TB_INCLUDE: INCLUDE,
      TB_NODE_BUDGET: 'unlimited',
      // ~20 000 events in one synchronous burst: more than the default queue holds (test below).
      TB_QUEUE_CAPACITY: '100000',
    });
    expect(Buffer.from(run.stdout).equals(Buffer.from(plain))).toBe(true);
    expect(run).toEqual({ code: 0, stdout: plain, stderr: '' });
    const events = await server!.eventsOf(service);
    expectOneExitPerEntry(events);
    expect(entriesPerNode(events)).toEqual(calls);
    // The workload itself is not included; nothing was dropped.
    expect(events.filter((e) => e.ast_node_id?.startsWith('workload'))).toEqual([]);
    expect(dropReports(events)).toEqual([]);
  }, 60_000);

  it('records what a queue too small for the burst holds and counts the rest, in the short-lived process too', async () => {
    const service = 'third-party-small-queue';
    const run = await runNode(app, ['--import', REGISTER, 'workload.mjs'], {
      TB_ENDPOINT: server!.url,
      TB_SERVICE: service,
      TB_INCLUDE: INCLUDE,
      TB_NODE_BUDGET: 'unlimited',
    });
    expect(run).toEqual({ code: 0, stdout: plain, stderr: '' });
    const events = await server!.eventsOf(service);
    // Calls that found the queue full were not recorded (nothing was displaced): whole calls only.
    expectOneExitPerEntry(events);
    expect(dropReports(events)).toEqual([]);
    const recorded = entriesPerNode(events);
    expect(sum(recorded)).toBeLessThan(sum(calls));
    expect(withUnrecorded(recorded, events)).toEqual(calls);
  }, 60_000);

  it('with the default budget: fewer entries, and entries plus the reported unrecorded calls equal the calls', async () => {
    const service = 'third-party-budget';
    const run = await runNode(app, ['--import', REGISTER, 'workload.mjs'], {
      TB_ENDPOINT: server!.url,
      TB_SERVICE: service,
      TB_INCLUDE: INCLUDE,
      TB_QUEUE_CAPACITY: '100000',
    });
    expect(run).toEqual({ code: 0, stdout: plain, stderr: '' });
    const events = await server!.eventsOf(service);
    expectOneExitPerEntry(events);
    const recorded = entriesPerNode(events);
    expect(sum(recorded)).toBeLessThan(sum(calls));
    expect(withUnrecorded(recorded, events)).toEqual(calls);
  }, 60_000);
});
