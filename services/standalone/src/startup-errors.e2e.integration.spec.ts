import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { buildProjects, freePort, pollUntil, repoPath, TetheredProcess } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a newcomer sees when `npm start` cannot start: a second server on the
 * same DATA_DIR, a port already taken. One line each, naming the setting to
 * change, and an exit code of its own (README).
 */
const run = promisify(execFile);
const main = () => repoPath('services/standalone/dist/main.js');

let work: string;
let first: { proc: TetheredProcess; port: number; dataDir: string } | undefined;

async function startServer(dataDir: string): Promise<{ proc: TetheredProcess; port: number; dataDir: string }> {
  const port = await freePort();
  const proc = TetheredProcess.spawn(process.execPath, [main()], {
    tether: true,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  await pollUntil(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 60_000,
    intervalMs: 100,
    description: `standalone ready\n${proc.output()}`,
  });
  return { proc, port, dataDir };
}

/** A start that must fail: exit code, stdout, stderr, with npm start's default log level. */
async function failingStart(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    await run(process.execPath, [main()], { env: { ...process.env, HOST: '127.0.0.1', ...env }, timeout: 60_000 });
    return { code: 0, stdout: '', stderr: '' };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  await buildProjects('services/standalone/tsconfig.app.json');
  work = await mkdtemp(join(tmpdir(), 'standalone-startup-'));
  first = await startServer(join(work, 'data'));
});

afterAll(async () => {
  if (first !== undefined && first.proc.running) {
    await first.proc.signal('SIGTERM');
    await first.proc.exited;
  }
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('standalone start-up errors', () => {
  it('says in one line that DATA_DIR is in use by another process, and how to choose another', async () => {
    const second = await failingStart({ PORT: String(await freePort()), DATA_DIR: first!.dataDir });
    expect(second.code).toBe(73);
    expect(second.stdout).toBe('');
    expect(second.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^temporal-bridge standalone: DATA_DIR .+ is in use by another process \(pid \d+\); stop it, or choose another directory: DATA_DIR=/,
      ),
    ]);
  });

  it('says in one line that PORT is taken, and how to choose another', async () => {
    const taken = await failingStart({ PORT: String(first!.port), DATA_DIR: join(work, 'other') });
    expect(taken.code).toBe(75);
    expect(taken.stdout).toBe('');
    expect(taken.stderr.trimEnd().split('\n')).toEqual([
      `temporal-bridge standalone: PORT ${first!.port} on 127.0.0.1 is in use by another process; choose another: PORT=4010 npm start`,
    ]);
  });

  it('takes over the DATA_DIR of a server that died with kill -9', async () => {
    await first!.proc.signal('SIGKILL');
    expect(await first!.proc.exited).toBe(137);
    const dataDir = first!.dataDir;
    first = undefined;
    // The pid file still names the dead process; a half-written one is stale too.
    const restarted = await startServer(dataDir);
    first = restarted;
    expect(restarted.proc.running).toBe(true);
    await first.proc.signal('SIGTERM');
    expect(await first.proc.exited).toBe(0);
    await writeFile(join(dataDir, 'standalone.pid'), 'garbage');
    first = await startServer(dataDir);
  });
});
