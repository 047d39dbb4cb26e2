import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { buildProjects, freePort, pollUntil, repoPath, TetheredProcess } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The SDK as a user outside this repository gets it: the publishable
 * packages are packed (scripts/pack-packages.mjs, with their prepack build
 * and its checks), installed from the tarballs into a fresh project in the
 * temp directory, and an instrumented app, ESM and CommonJS, sends events to
 * the real standalone server. Third-party dependencies come from the
 * workspace's node_modules as file: links, so the install runs offline.
 */
const run = promisify(execFile);

interface Packed {
  dir: string;
  name: string;
  tarball: string;
  dependencies: Record<string, string>;
}

let work: string;
let consumer: string;
let server: { proc: TetheredProcess; url: string } | undefined;

/** A third-party package as installed in the workspace (hoisted, or nested under the package that needs it). */
function workspaceCopy(name: string, packageDir: string): string {
  const candidates = [join(repoPath(packageDir), 'node_modules', name), repoPath(`node_modules/${name}`)];
  const found = candidates.find((dir) => existsSync(join(dir, 'package.json')));
  if (found === undefined) throw new Error(`${name} (needed by ${packageDir}) is not installed in the workspace`);
  return found;
}

async function startServer(dataDir: string): Promise<{ proc: TetheredProcess; url: string }> {
  const port = await freePort();
  const proc = TetheredProcess.spawn(process.execPath, [repoPath('services/standalone/dist/main.js')], {
    tether: true,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  const url = `http://127.0.0.1:${port}`;
  await pollUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 60_000,
    intervalMs: 100,
    description: `standalone ready\n${proc.output()}`,
  });
  return { proc, url };
}

/** The instrumented app: one traced call with a state change, flushed to TB_URL. */
function appSource(kind: 'esm' | 'cjs'): string {
  const load =
    kind === 'esm'
      ? "import { InstrumentationRuntime } from '@temporal-bridge/instrumentation';\nimport { parseEvent } from '@temporal-bridge/event-schema';"
      : "const { InstrumentationRuntime } = require('@temporal-bridge/instrumentation');\nconst { parseEvent } = require('@temporal-bridge/event-schema');";
  return `${load}
async function main() {
  const runtime = new InstrumentationRuntime({
    service: 'packed-${kind}',
    transport: { kind: 'http', baseUrl: process.env.TB_URL },
  });
  await runtime.traced('app.${kind}:main', async () => {
    runtime.stateChange({ loaded_as: '${kind}' });
  });
  const flushed = await runtime.flush(10000);
  const stats = runtime.stats();
  await runtime.shutdown(2000);
  console.log(JSON.stringify({ flushed, sent: stats.sent, schemaOk: parseEvent({}).ok }));
}
main().catch((error) => { console.error(error); process.exit(1); });
`;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tb-sdk-packages-'));
  consumer = join(work, 'consumer');
  await buildProjects('services/standalone/tsconfig.app.json');
  const [packedOut] = await Promise.all([
    run(process.execPath, [repoPath('scripts/pack-packages.mjs'), join(work, 'tarballs')], { maxBuffer: 1 << 24 }),
    startServer(join(work, 'data')).then((s) => (server = s)),
  ]);
  const packed = JSON.parse(packedOut.stdout) as Packed[];
  const dependencies: Record<string, string> = {};
  for (const pkg of packed) dependencies[pkg.name] = `file:${pkg.tarball}`;
  for (const pkg of packed) {
    for (const name of Object.keys(pkg.dependencies)) {
      dependencies[name] ??= `file:${workspaceCopy(name, pkg.dir)}`;
    }
  }
  // Only for the type check of the consumer below, as a TypeScript user has them.
  dependencies['@types/node'] = `file:${workspaceCopy('@types/node', '.')}`;
  await run('mkdir', ['-p', consumer]);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer });
}, 300_000);

afterAll(async () => {
  if (server !== undefined) {
    await server.proc.signal('SIGTERM');
    await server.proc.exited;
  }
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('the SDK packages installed from their tarballs, outside the workspace', () => {
  it.each(['esm', 'cjs'] as const)('runs an instrumented %s app whose events reach the query API', async (kind) => {
    const file = join(consumer, kind === 'esm' ? 'app.mjs' : 'app.cjs');
    await writeFile(file, appSource(kind));
    const from = BigInt(Date.now() - 1000) * 1_000_000n;
    const { stdout } = await run(process.execPath, [file], {
      cwd: consumer,
      env: { ...process.env, TB_URL: server!.url, NODE_PATH: '' },
    });
    expect(JSON.parse(stdout)).toEqual({ flushed: { ok: true, unsent: 0 }, sent: 3, schemaOk: false });
    const to = BigInt(Date.now() + 1000) * 1_000_000n;
    const events = await pollUntil(
      async () => {
        const response = await fetch(`${server!.url}/v1/events?from=${from}&to=${to}&service=packed-${kind}`);
        const body = (await response.json()) as { events: Array<{ event_type: string; data?: unknown }> };
        return body.events.length === 3 ? body.events : undefined;
      },
      { timeoutMs: 10_000, description: `the ${kind} app's events queryable` },
    );
    expect(events.map((e) => e.event_type)).toEqual(['function_entry', 'state_change', 'function_exit']);
    expect(events[1]?.data).toEqual({ state: { loaded_as: kind } });
  });

  it('instruments an app automatically with node --import @temporal-bridge/instrumentation/register', async () => {
    const file = join(consumer, 'auto.mjs');
    await writeFile(file, 'export function checkout(items) {\n  return items * 2;\n}\nconsole.log(checkout(21));\n');
    const from = BigInt(Date.now() - 1000) * 1_000_000n;
    const { stdout } = await run(process.execPath, ['--import', '@temporal-bridge/instrumentation/register', file], {
      cwd: consumer,
      env: { ...process.env, TB_ENDPOINT: server!.url, TB_SERVICE: 'packed-auto', TB_INCLUDE: '*.mjs' },
    });
    expect(stdout.trim()).toBe('42');
    const to = BigInt(Date.now() + 1000) * 1_000_000n;
    const events = await pollUntil(
      async () => {
        const response = await fetch(`${server!.url}/v1/events?from=${from}&to=${to}&service=packed-auto`);
        const body = (await response.json()) as { events: Array<{ event_type: string; ast_node_id?: string }> };
        return body.events.some((e) => e.event_type === 'function_exit') ? body.events : undefined;
      },
      { timeoutMs: 10_000, description: 'the auto-instrumented call queryable' },
    );
    expect(events.find((e) => e.event_type === 'function_entry')?.ast_node_id).toContain('checkout');
  });

  it('gives TypeScript consumers the types, as ESM and as CommonJS', async () => {
    const source = [
      "import { InstrumentationRuntime, type RuntimeStats } from '@temporal-bridge/instrumentation';",
      "import { parseEvent, type TemporalEvent } from '@temporal-bridge/event-schema';",
      "const runtime = new InstrumentationRuntime({ service: 's', transport: { kind: 'http', baseUrl: 'http://x' } });",
      'const stats: RuntimeStats = runtime.stats();',
      'const result = parseEvent({});',
      'const event: TemporalEvent | undefined = result.ok ? result.event : undefined;',
      'console.log(stats.sent, event?.event_id);',
    ].join('\n');
    await writeFile(join(consumer, 'types.mts'), source);
    await writeFile(join(consumer, 'types.cts'), source);
    const tsc = repoPath('node_modules/typescript/bin/tsc');
    const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    const checked = await run(process.execPath, [tsc, ...flags, '--target', 'es2022', 'types.mts', 'types.cts'], {
      cwd: consumer,
    }).catch((error: Error & { stdout?: string }) => ({ stdout: `failed: ${error.stdout ?? error.message}` }));
    expect(checked.stdout).toBe('');
  }, 120_000);
});
