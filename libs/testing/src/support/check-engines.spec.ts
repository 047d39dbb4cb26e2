import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { repoPath } from './build-projects';

/** scripts/check-engines.mjs, which npm test runs: the repository as it is, and with the lock a newcomer hit. */
let dir: string;

function check(at: string) {
  const run = spawnSync(process.execPath, [repoPath('scripts/check-engines.mjs'), at], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tb-engines-'));
  for (const file of ['README.md', 'package.json', 'package-lock.json']) copyFileSync(repoPath(file), join(dir, file));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('every installed package supports the Node.js versions the README names', () => {
  it('holds for the repository', () => {
    const run = check(repoPath('.'));
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('20.19.0, 22.13.0, 24.0.0');
  });

  it('names a dependency that needs a newer Node.js, and who pulls it in', () => {
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    lock.packages['node_modules/@fastify/static/node_modules/content-disposition'] = {
      version: '3.0.0',
      engines: { node: '>=22' },
    };
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
    const run = check(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'content-disposition@3.0.0 (under node_modules/@fastify/static) needs Node.js >=22: not 20.19.0',
    );
  });

  it('catches a README that promises an older Node.js than engines says', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8').replace('Node.js 20.19+', 'Node.js 18.0+');
    writeFileSync(join(dir, 'README.md'), readme);
    const run = check(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('package.json engines.node');
  });
});
