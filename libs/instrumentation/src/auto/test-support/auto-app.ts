import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { buildProjects, freePort, pollUntil, repoPath, TetheredProcess } from '@temporal-bridge/testing';
import { afterAll, beforeAll, expect } from 'vitest';

/**
 * What the automatic-instrumentation integration specs share: the real built
 * standalone server, a child app run with `node <flags>`, and the stored
 * events read back through the query API.
 */

/** The built `./register` entry (`npm run build` or `buildProjects` first). */
export const REGISTER = repoPath('libs/instrumentation/dist/register.js');
/** tsx's loader, for `--import`. */
export const TSX = repoPath('node_modules/tsx/dist/loader.mjs');

/** Exit code and output of a child process. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** ts-node's CommonJS hook, for `--require` (a fixture outside the repository cannot resolve `ts-node/register`). */
export const TS_NODE_REGISTER = repoPath('node_modules/ts-node/register/index.js');
/** ts-node's ESM loader registered with `module.register`, for `--import` (ts-node's README's form, without `--loader`). */
export const TS_NODE_ESM = join(__dirname, 'ts-node-esm.mjs');

/**
 * The pinned Node 22 binary (scripts/node22.mjs installs it into .cache/node22 when absent, or
 * TB_NODE22 names one). Throws, saying why, when it cannot be had: the Node 22 specs never skip.
 */
export function node22(): string {
  try {
    return execFileSync(process.execPath, [repoPath('scripts/node22.mjs')], { encoding: 'utf8' }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`no Node 22 binary for the Node 22 specs: ${stderr.trim()}`);
  }
}

/** `node ...args` in `cwd` with only PATH and `env` set (no inherited TB_* or NODE_OPTIONS). */
export function runNode(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runBinary(process.execPath, cwd, args, env);
}

/** As runNode, with another Node binary (node22()). */
export function runBinary(node: string, cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      node,
      args,
      { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A running standalone server on its own data directory. */
export interface Standalone {
  url: string;
  /** Every stored event of one service, all pages (the bridge flushed first). */
  eventsOf(service: string): Promise<SerializedEvent[]>;
  stop(): Promise<void>;
}

/** Starts the built standalone server (services/standalone/dist) and waits until it is ready. */
export async function startStandalone(): Promise<Standalone> {
  const started = BigInt(Date.now() - 60_000) * 1_000_000n;
  const dataDir = mkdtempSync(join(tmpdir(), 'tb-auto-data-'));
  const port = await freePort();
  const proc = TetheredProcess.spawn(process.execPath, [repoPath('services/standalone/dist/main.js')], {
    tether: true,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  const url = `http://127.0.0.1:${port}`;
  await pollUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 90_000,
    intervalMs: 200,
    description: `standalone ready\n${proc.output()}`,
  });
  return {
    url,
    async eventsOf(service) {
      expect((await fetch(`${url}/v1/flush`, { method: 'POST' })).status).toBeLessThan(300);
      const to = (BigInt(Date.now() + 60_000) * 1_000_000n).toString();
      const events: SerializedEvent[] = [];
      let cursor: string | null = null;
      do {
        const page = `${url}/v1/events?from=${started}&to=${to}&service=${service}&limit=10000`;
        const response = await fetch(cursor === null ? page : `${page}&cursor=${encodeURIComponent(cursor)}`);
        expect(response.status).toBe(200);
        const body = (await response.json()) as { events: SerializedEvent[]; next_cursor?: string | null };
        events.push(...body.events);
        cursor = body.next_cursor ?? null;
      } while (cursor !== null);
      return events;
    },
    async stop() {
      await proc.signal('SIGTERM');
      await proc.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a spec file gets from `fixtureProjectSuite`: its server, and fixture checkouts removed after the file. */
export interface FixtureProjectSuite {
  /** The file's standalone server (started by the file's first `beforeAll`). */
  readonly server: Standalone;
  /** A copy of a fixture project (see `checkoutFixture`), removed after the file's tests. */
  checkout(name: string, parent?: string): string;
}

/**
 * The file-level setup the fixture-project specs share, registered as the file's `beforeAll` and
 * `afterAll`: builds the SDK, the bundler plugin and the standalone server, starts one server for
 * the file, and stops it and removes every checkout made through `checkout` afterwards.
 */
export function fixtureProjectSuite(): FixtureProjectSuite {
  let server: Standalone | undefined;
  const temps: string[] = [];
  beforeAll(async () => {
    await buildProjects(
      'libs/instrumentation/tsconfig.lib.json',
      'libs/auto-instrument/tsconfig.lib.json',
      'services/standalone/tsconfig.app.json',
    );
    server = await startStandalone();
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get server(): Standalone {
      if (server === undefined) throw new Error('the standalone server is not started: use it inside a test or hook');
      return server;
    },
    checkout(name, parent) {
      const dir = checkoutFixture(name, parent);
      temps.push(dir);
      return dir;
    },
  };
}

/** The function_entry events of one AST node, in order. */
export const entries = (events: SerializedEvent[], astNodeId: string): SerializedEvent[] =>
  events.filter((e) => e.event_type === 'function_entry' && e.ast_node_id === astNodeId);

/** The captured arguments of an entry. */
export const args = (event: SerializedEvent): unknown[] => (event.data?.['args'] as unknown[] | undefined) ?? [];

// The same check the unit specs use: one definition.
export { expectOneExitPerEntry } from '../../__fixtures__/auto-fixture';

/** One node of a TB_MANIFEST file. */
export interface ManifestLine {
  ast_node_id: string;
  file: string;
  kind: string;
  name: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  hash: string;
  service: string;
}

/** The nodes of a TB_MANIFEST file (JSON lines). */
export const readManifest = (path: string): ManifestLine[] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ManifestLine);

/** The fixture projects (orders-ts, library-js...), each with its own node:test suite. */
export const FIXTURES = join(__dirname, '..', '__fixtures__');
/** node:test's TAP reporter: a report that compares as text. */
export const TAP = '--test-reporter=tap';

/**
 * A copy of a fixture project in a new directory under `parent`, outside the repository (the
 * SDK's own directories are never instrumented). The caller removes it.
 */
export function checkoutFixture(name: string, parent = tmpdir()): string {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `tb-${name}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** The TAP report without its timings: what must be the same with and without instrumentation. */
export const tapResult = (stdout: string): string =>
  stdout
    .split('\n')
    .filter((line) => !/^\s*(# )?duration_ms\b/.test(line))
    .join('\n');

/** The TB_* settings of a run that records every call to the server at `endpoint`. */
export const autoEnv = (endpoint: string, service: string, manifest: string): Record<string, string> => ({
  TB_ENDPOINT: endpoint,
  TB_SERVICE: service,
  TB_NODE_BUDGET: 'unlimited',
  TB_MANIFEST: manifest,
});

/** The call tree of one run: parent lookups over the entries, and the error events per node. */
export function callTree(events: SerializedEvent[]) {
  const calls = events.filter((e) => e.event_type === 'function_entry');
  const byId = new Map(calls.map((e) => [e.correlation_id, e]));
  const parentOf = (e: SerializedEvent): SerializedEvent | undefined => byId.get(e.parent_id ?? '');
  const parentIds = (id: string): (string | undefined)[] => entries(events, id).map((e) => parentOf(e)?.ast_node_id);
  const errorsByNode: Record<string, number> = {};
  for (const error of events.filter((e) => e.event_type === 'error')) {
    const entry = byId.get(error.correlation_id);
    expect(entry?.ast_node_id, 'an error event belongs to a recorded call of its node').toBe(error.ast_node_id);
    errorsByNode[error.ast_node_id!] = (errorsByNode[error.ast_node_id!] ?? 0) + 1;
  }
  return { calls, parentOf, parentIds, errorsByNode };
}

/** Calls per AST node. */
export function countsOf(events: SerializedEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events)
    if (e.event_type === 'function_entry') counts[e.ast_node_id!] = (counts[e.ast_node_id!] ?? 0) + 1;
  return counts;
}

/** The manifest by id, without the service (deduplicated: a suite's child process appends its own nodes). */
export function byIdWithoutService(nodes: ManifestLine[]): Map<string, Omit<ManifestLine, 'service'>> {
  return new Map(nodes.map(({ service: _service, ...node }) => [node.ast_node_id, node]));
}

export const sorted = (values: Iterable<string>): string[] => [...values].sort();

/**
 * Every named node's line in the source under `dir` is where its name is written, and methods,
 * accessors and constructors span from their key (type parameters follow it): the manifest points into the original file.
 */
export function expectNamesAtTheirLines(dir: string, nodes: Iterable<Omit<ManifestLine, 'service'>>): void {
  for (const node of nodes) {
    if (node.name.includes('#')) continue;
    const name = node.name.split(/[./]/).pop()!;
    const line = readFileSync(join(dir, node.file), 'utf8').split('\n')[node.line - 1]!;
    expect(line, node.ast_node_id).toContain(name);
    if (!['function', 'arrow'].includes(node.kind))
      expect(line.slice(node.column - 1), node.ast_node_id).toMatch(new RegExp(`^${name}[(<]`));
  }
}
