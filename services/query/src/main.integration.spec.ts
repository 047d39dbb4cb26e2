import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildProjects, freePort, pollUntil, repoPath, TetheredProcess } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built service run as a user runs it: `node services/query/dist/main.js`
// with an environment, answering over HTTP; a bad environment stops it.

const root = repoPath();
const main = repoPath('services', 'query', 'dist', 'main.js');
const started: TetheredProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  // So that `npm test` works on a fresh clone: build this service and the libs it references.
  await buildProjects('services/query/tsconfig.app.json');
}, 170_000);

afterAll(async () => {
  for (const child of started) await child.stop(10_000);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): TetheredProcess {
  // The tether stops the service when this test process goes away, whatever happens.
  const child = TetheredProcess.spawn('node', [main], {
    tether: true,
    cwd: root,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
  });
  started.push(child);
  return child;
}

describe('node services/query/dist/main.js', () => {
  it('serves the API on PORT over embedded ClickHouse in CLICKHOUSE_DATA_DIR, and stops on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'query-main-'));
    dirs.push(dataDir);
    const port = await freePort();
    const service = start({ CLICKHOUSE_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', API_KEYS: 'secret' });
    const base = `http://127.0.0.1:${port}`;
    await pollUntil(
      async () => {
        if (!service.running) throw new Error(`exited:\n${service.output()}`);
        return (await fetch(`${base}/readyz`)).status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'the service ready' },
    );
    const auth = { authorization: 'Bearer secret' };
    const now = BigInt(Date.now()) * 1_000_000n;
    const events = await fetch(`${base}/v1/events?from=${now - 1_000_000_000n}&to=${now}`, { headers: auth });
    expect([events.status, await events.json()]).toEqual([200, { events: [], next_cursor: null }]);
    const stats = await fetch(`${base}/v1/stats`, { headers: auth });
    expect([stats.status, await stats.json()]).toMatchObject([
      200,
      { bridge: { instances: [] }, storage: { total_events: 0 } },
    ]);
    expect((await fetch(`${base}/v1/stats`)).status).toBe(401);
    const bad = await fetch(`${base}/v1/events?from=soon&to=later`, { headers: auth });
    expect([bad.status, await bad.json()]).toMatchObject([400, { error: 'invalid_parameter' }]);
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    await service.signal('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it.each([
    [
      'a malformed value',
      { PORT: 'eighty', CLICKHOUSE_DATA_DIR: '/tmp/x' },
      /^ {2}- PORT: must be an integer, got "eighty"$/m,
    ],
    ['no ClickHouse', {}, /^ {2}- CLICKHOUSE_URL: is required, or CLICKHOUSE_DATA_DIR/m],
    [
      'an out-of-range limit',
      { CLICKHOUSE_URL: 'http://127.0.0.1:1', MAX_RESULT_ROWS: '0' },
      /^ {2}- MAX_RESULT_ROWS: must be at least 1$/m,
    ],
  ])('stops at once on %s, naming the variable', async (_what, env, message) => {
    const service = start(env);
    expect(await service.exited).toBe(78);
    expect(service.output()).toMatch(message);
  });
});
