import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { serializeEvent, type SerializedEvent, type TemporalEvent } from '@temporal-bridge/event-schema';
import {
  HttpTransport,
  InstrumentationRuntime,
  RemoteBridgeError,
  RemoteTemporalBridge,
} from '@temporal-bridge/instrumentation';
import { buildProjects, freePort, pollUntil, repoPath, TetheredProcess } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The SDK's remote client (RemoteTemporalBridge) and the CLI against the
 * real server, as an application runs them: the built standalone process
 * with API keys, events published through the SDK's HTTP transport, every
 * answer read back through the client. What the client reads is what the
 * server writes, so the two cannot drift apart unnoticed.
 */
const run = promisify(execFile);
const KEY = 'sdk-secret';
const T = BigInt(Date.now() - 600_000) * 1_000_000n;
const at = (offset: number): bigint => T + BigInt(offset);
const NODE = 'src/cart.ts:<module>/arrow#1';

let dataDir: string;
let server: TetheredProcess;
let url: string;
let bridge: RemoteTemporalBridge;
let publisher: InstrumentationRuntime;

/** A checkout: add() in trace T1 sets state and fails; a manifest names its node. */
const dataset: TemporalEvent[] = [
  ev('in-root', 1000, 'function_entry', 'c 1', { trace_id: 'T1', ast_node_id: NODE, data: { function: 'add' } }),
  ev('state', 1100, 'state_change', 'c 1', { trace_id: 'T1', data: { state: { items: 3 } } }),
  ev('in-child', 1200, 'function_entry', 'c2', {
    trace_id: 'T1',
    parent_id: 'c 1',
    ast_node_id: 'src/pay.ts:pay:function',
  }),
  ev('out-child', 1500, 'function_exit', 'c2', {
    trace_id: 'T1',
    parent_id: 'c 1',
    data: { error: { message: 'declined' } },
  }),
  ev('out-root', 2000, 'function_exit', 'c 1', { trace_id: 'T1', data: { result: 1 } }),
  ev('manifest', 500, 'tb.ast_nodes', 'runtime', {
    data: {
      file: 'src/cart.ts',
      nodes: [
        {
          ast_node_id: NODE,
          kind: 'arrow',
          name: '',
          line: 7,
          column: 14,
          end_line: 9,
          end_column: 2,
          hash: '00112233aabbccdd',
          async: false,
          generator: false,
        },
      ],
    },
  }),
];

function ev(
  id: string,
  offset: number,
  type: string,
  correlation: string,
  extra: Partial<TemporalEvent> = {},
): TemporalEvent {
  return {
    event_id: id,
    timestamp: at(offset),
    event_type: type,
    correlation_id: correlation,
    service: 'shop',
    timestamp_inferred: false,
    ...extra,
  };
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [repoPath('services/standalone/dist/cli/main.js'), '--url', url, '--api-key', KEY, ...args],
      { timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  await buildProjects('services/standalone/tsconfig.app.json');
  dataDir = await mkdtemp(join(tmpdir(), 'standalone-sdk-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = TetheredProcess.spawn(process.execPath, [repoPath('services/standalone/dist/main.js')], {
    tether: true,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      API_KEYS: KEY,
      // Small pages, so that following next_cursor is exercised.
      MAX_RESULT_ROWS: '3',
      DEFAULT_LIMIT: '3',
    },
  });
  await pollUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 60_000,
    description: `standalone ready\n${server.output()}`,
  });
  publisher = new InstrumentationRuntime({
    service: 'sdk-test',
    transport: new HttpTransport({ baseUrl: url, apiKey: KEY }),
    dropReportIntervalMs: 0,
  });
  bridge = new RemoteTemporalBridge({ baseUrl: url, apiKey: KEY, publisher, pageSize: 2 });
  for (const event of dataset) await bridge.correlateEvent(event);
  await bridge.flushBuffer();
}, 180_000);

afterAll(async () => {
  await publisher?.shutdown(2_000);
  await server?.signal('SIGTERM');
  await server?.exited;
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

const ids = (events: readonly TemporalEvent[]) => events.map((e) => e.event_id);
const inOrder = ['manifest', 'in-root', 'state', 'in-child', 'out-child', 'out-root'];

describe('RemoteTemporalBridge against the standalone server', () => {
  it('publishes through the transport, flushes (POST /v1/flush), and reads every page back as bigint nanoseconds', async () => {
    const events = await bridge.getEventsInRange(at(0), at(3000));
    expect(ids(events)).toEqual(inOrder);
    expect(events[1]).toMatchObject({ timestamp: at(1000), correlation_id: 'c 1', ast_node_id: NODE });
    expect(events.find((e) => e.event_id === 'out-child')?.duration_ns).toBe(300n);
  });

  it('escapes ids in paths: AST node, correlation and trace', async () => {
    expect(ids(await bridge.getEventsForAstNode(NODE))).toEqual(['in-root', 'out-root']);
    expect(ids(await bridge.getEventsForCorrelation('c 1'))).toEqual(['in-root', 'state', 'out-root']);
    expect(ids(await bridge.getEventsForTrace('T1'))).toEqual(inOrder.slice(1));
  });

  it('answers where a node is, from the manifest, and undefined for an unknown one', async () => {
    expect(await bridge.getAstNode(NODE)).toEqual({
      ast_node_id: NODE,
      locations: [
        {
          service: 'shop',
          file: 'src/cart.ts',
          line: 7,
          column: 14,
          end_line: 9,
          end_column: 2,
          kind: 'arrow',
          name: '',
          hash: '00112233aabbccdd',
          seen_at: at(500),
        },
      ],
    });
    expect(await bridge.getAstNode('src/none.ts:f:function')).toBeUndefined();
  });

  it('answers state with who set each key, and every cap as a field', async () => {
    const snapshot = await bridge.reconstructStateAt(at(1300), { traceId: 'T1' });
    expect(snapshot).toEqual({
      at: at(1300),
      state: [{ service: 'shop', key: 'items', value: 3, event_id: 'state', timestamp: at(1100) }],
      state_truncated: false,
      active_calls: [
        expect.objectContaining({ correlation_id: 'c 1', entry_timestamp: at(1000), function: 'add' }),
        expect.objectContaining({ correlation_id: 'c2', parent_id: 'c 1', entry_timestamp: at(1200) }),
      ],
      active_calls_truncated: false,
    });
    // Four steps lead to out-child; MAX_RESULT_ROWS is 3: the path says it was cut.
    const path = await bridge.traceExecutionPath('out-child');
    expect(path.path.map((s) => [s.event_id, s.on_stack])).toEqual([
      ['state', true],
      ['in-child', true],
      ['out-child', true],
    ]);
    expect(path.truncated).toBe(true);
  });

  it('lists traces and node statistics', async () => {
    const page = await bridge.listTraces(at(0), at(3000));
    expect(page).toEqual({
      traces: [
        {
          trace_id: 'T1',
          root: {
            correlation_id: 'c 1',
            entry_event_id: 'in-root',
            ast_node_id: NODE,
            service: 'shop',
            function: 'add',
          },
          services: ['shop'],
          start: at(1000),
          duration_ns: 1000n,
          events: 5,
          errors: 1,
        },
      ],
      next_cursor: null,
    });
    expect((await bridge.listTraces(at(0), at(3000), { errors: false })).traces).toEqual([]);
    expect(await bridge.getAstNodeStats(at(0), at(3000), { sort: 'errors' })).toEqual({
      from: at(0),
      to: at(3000),
      nodes: [
        { ast_node_id: 'src/pay.ts:pay:function', calls: 1, errors: 1, p50_ns: 300n, p95_ns: 300n, max_ns: 300n },
        { ast_node_id: NODE, calls: 1, errors: 0, p50_ns: 1000n, p95_ns: 1000n, max_ns: 1000n },
      ],
      truncated: false,
    });
  });

  it('says when the server cut a list: active nodes beyond MAX_RESULT_ROWS', async () => {
    expect(await bridge.listActiveAstNodes(at(0), at(3000))).toEqual({
      ast_node_ids: [NODE, 'src/pay.ts:pay:function'],
      truncated: false,
    });
    for (const n of [1, 2]) {
      await bridge.correlateEvent(ev(`extra-${n}`, 2500, 'log', 'c9', { ast_node_id: `src/extra.ts:${n}` }));
    }
    await bridge.flushBuffer();
    const cut = await bridge.listActiveAstNodes(at(0), at(3000));
    expect([cut.ast_node_ids.length, cut.truncated]).toEqual([3, true]);
    await expect(bridge.getActiveAstNodes(at(0), at(3000))).rejects.toMatchObject({ code: 'truncated' });
  });

  it('exports a window as a stream of events', async () => {
    const exported: TemporalEvent[] = [];
    for await (const event of bridge.exportEvents(at(0), at(2000))) exported.push(event);
    expect(ids(exported)).toEqual(inOrder);
    expect(exported).toEqual(await bridge.getEventsInRange(at(0), at(2000)));
  });

  it('answers stats, and maps the server’s errors to RemoteBridgeError', async () => {
    const stats = await bridge.getStats();
    expect(stats.storage['total_events']).toBeGreaterThanOrEqual(dataset.length);
    const inverted = await bridge.getEventsInRange(at(2), at(1)).catch((e: unknown) => e);
    expect(inverted).toBeInstanceOf(RemoteBridgeError);
    expect(inverted).toMatchObject({ status: 400, code: 'invalid_parameter' });
    expect((inverted as Error).message).toMatch(/^from: must not be after to/);
    await expect(bridge.traceExecutionPath('missing')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    const stranger = new RemoteTemporalBridge({ baseUrl: url, apiKey: 'wrong' });
    await expect(stranger.getStats()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(stranger.listTraces(at(0), at(1))).rejects.toMatchObject({ status: 401 });
  });
});

describe('the CLI against the standalone server', () => {
  it('export writes the window as NDJSON on stdout, one event per line as the API has it', async () => {
    const out = await cli(['export', at(0).toString(), at(2000).toString()]);
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as SerializedEvent).event_id)).toEqual(inOrder);
    expect(JSON.parse(lines[1]!)).toEqual(serializeEvent(dataset[0]!));
  });

  it('traces and node-stats print tables, --json the answers', async () => {
    const traces = await cli(['traces', at(0).toString(), at(3000).toString()]);
    expect(traces.code, traces.stderr).toBe(0);
    expect(traces.stdout).toMatch(/T1\s+add\s+0\.001 ms\s+5\s+1\s+shop/);
    const stats = await cli(['--json', 'node-stats', at(0).toString(), at(3000).toString(), '--sort', 'p95']);
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({
      nodes: [{ ast_node_id: NODE, p95_ns: '1000' }, { ast_node_id: 'src/pay.ts:pay:function' }],
      truncated: false,
    });
    const bad = await cli(['node-stats', '1', '2', '--sort', 'slowest']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--sort must be one of') as unknown]);
  });
});
