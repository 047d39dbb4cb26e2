import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { buildProjects, freePort, pollUntil, repoPath, TetheredProcess } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** What a newcomer does after `npm start`: `npm run demo`, then the CLI. */
let dataDir: string;
let server: TetheredProcess;
let url: string;

async function node(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [repoPath(script), ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  await buildProjects('services/standalone/tsconfig.app.json');
  dataDir = await mkdtemp(join(tmpdir(), 'standalone-demo-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = TetheredProcess.spawn(process.execPath, [repoPath('services/standalone/dist/main.js')], {
    tether: true,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  await pollUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 60_000,
  });
});

afterAll(async () => {
  await server?.signal('SIGTERM');
  await server?.exited;
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

describe('the demo and the CLI', () => {
  let demo: { code: number; stdout: string; stderr: string };

  it('runs the instrumented shop through the SDK and prints real answers to every Cinema question', async () => {
    demo = await node('services/standalone/dist/demo/run-demo.js', [url]);
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    const out = demo.stdout;
    // Orders went through, some failed with a declined card, nothing was dropped.
    expect(out).toMatch(/failed: card 4000-0000-0000-0002 declined/);
    expect(out).toMatch(/"dropped":\{"queue_full":0/);
    for (const title of [
      'Every declined payment',
      'What happened inside the failing charge',
      'How the program got to the error',
      'The state of that order',
      'Code active',
      'Statistics',
    ]) {
      expect(out).toContain(title);
    }
    // The path ends at the error, with the checkout call on the stack.
    expect(out).toMatch(/=> +\d\d:\d\d:\d\d\.\d{6} +error +/);
    expect(out).toMatch(/ \* +\d\d:\d\d:\d\d\.\d{6} +function_entry .*order-shop\.ts:48:3/);
    // State at the error: the order was received, stock reserved; the charge still open.
    expect(out).toMatch(/order\.[a-z0-9]+-\d+ +"received"/);
    expect(out).toMatch(/Payments\.charge/);
    expect(out).toMatch(/curl -s 'http:\/\/127\.0\.0\.1:\d+\/v1\/events\/[0-9a-f-]{36}\/path'/);
    // It ends with the Cinema UI link to the failing order's trace, opened at the error.
    expect(out.trimEnd().split('\n').at(-1)).toMatch(
      /^Watch it in the Cinema UI: http:\/\/127\.0\.0\.1:\d+\/\?trace=[^&\s]+&event=[0-9a-f-]{36}$/,
    );
  });

  it('answers the same questions from the command line, as tables or JSON', async () => {
    const correlation = /\(correlation ([^)\s]+)\)/.exec(demo.stdout)?.[1];
    expect(correlation).toBeDefined();
    const table = await node('services/standalone/dist/cli/main.js', ['--url', url, 'correlation', correlation!]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^time +type +correlation +ast node +data$/m);
    expect(table.stdout).toMatch(/function_entry .*Payments/);

    const json = await node('services/standalone/dist/cli/main.js', [
      '--url',
      url,
      '--json',
      'correlation',
      correlation!,
    ]);
    const events = JSON.parse(json.stdout) as Array<{ event_type: string; timestamp: string }>;
    expect(events.map((e) => e.event_type)).toEqual(['function_entry', 'error', 'function_exit']);
    expect(events[0]?.timestamp).toMatch(/^\d{19}$/);

    const stats = await node('services/standalone/dist/cli/main.js', ['--url', url, '--json', 'stats']);
    expect((JSON.parse(stats.stdout) as { storage: { total_events: number } }).storage.total_events).toBeGreaterThan(
      50,
    );

    const active = await node('services/standalone/dist/cli/main.js', ['--url', url, 'active', '-1h', 'now']);
    expect(active.stdout).toContain('demo/order-shop.ts:97:3');
  });

  it('explains mistakes and an unreachable server, with distinct exit codes', async () => {
    const usage = await node('services/standalone/dist/cli/main.js', ['range', 'yesterday', 'now']);
    expect([usage.code, usage.stderr]).toEqual([
      2,
      expect.stringContaining('from: "yesterday" is not a time') as string,
    ]);
    const notFound = await node('services/standalone/dist/cli/main.js', ['--url', url, 'path', 'no-such-event']);
    expect([notFound.code, notFound.stderr]).toEqual([1, expect.stringMatching(/404|not_found|no event/) as string]);
    const port = await freePort();
    const down = await node('services/standalone/dist/cli/main.js', ['--url', `http://127.0.0.1:${port}`, 'stats']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach|ECONNREFUSED|fetch failed/);
  });

  it('is an installable bin: npx temporal-bridge from the repository, clean JSON, quiet when piped into head', async () => {
    // Enough output to outgrow the pipe buffer, so head closes it mid-write.
    const batch = Array.from({ length: 3000 }, (_, i) => ({
      event_type: 'log',
      correlation_id: `bin-${i}`,
      data: { message: 'x'.repeat(100) },
    }));
    const ingest = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    expect(ingest.status).toBe(202);

    const shell = (command: string) =>
      run('bash', ['-o', 'pipefail', '-c', command], { cwd: repoPath('.'), timeout: 120_000, maxBuffer: 1 << 26 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({
          code: error.code ?? -1,
          stdout: error.stdout ?? '',
          stderr: error.stderr ?? '',
        }),
      );
    const json = await shell(`npx --no-install temporal-bridge --url ${url} --json range now-10m now`);
    expect([json.code, json.stderr]).toEqual([0, '']);
    expect((JSON.parse(json.stdout) as unknown[]).length).toBeGreaterThanOrEqual(3000);

    const piped = await shell(`npx --no-install temporal-bridge --url ${url} range now-10m now | head -n 2`);
    expect([piped.code, piped.stderr]).toEqual([0, '']);
    expect(piped.stdout.split('\n')[0]).toMatch(/^time +type +correlation/);

    // npm run without -s puts npm's banner on stdout: the CLI says how to avoid it.
    const banner = await shell(`npm run cli -- --url ${url} --json stats`);
    expect(banner.code).toBe(0);
    expect(banner.stderr).toContain('npm run -s cli');
    const silent = await shell(`npm run -s cli -- --url ${url} --json stats`);
    // stdout is the JSON alone: the build that npm run cli starts with reports on stderr.
    expect(silent.code).toBe(0);
    expect(silent.stderr).not.toContain('note: npm printed');
    expect(JSON.parse(silent.stdout)).toHaveProperty('storage');
  });

  it('tells a newcomer to start the server when the demo finds none', async () => {
    const port = await freePort();
    const lonely = await node('services/standalone/dist/demo/run-demo.js', [`http://127.0.0.1:${port}`]);
    expect(lonely.code).toBe(1);
    expect(lonely.stderr).toContain('npm start');
  });
});
