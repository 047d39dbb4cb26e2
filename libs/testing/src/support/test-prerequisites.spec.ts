import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { repoPath } from './build-projects';

/**
 * scripts/test-prerequisites.mjs, which `npm test` runs first, on a machine
 * made to look fresh: a PATH holding only node (and, where said, apt-get),
 * an empty C header directory, no container engine. apt-get is a stand-in
 * script that records its arguments and "installs" by creating the tools.
 */
let dir: string;
let bin: string;
let include: string;

function fakeAptGet(): string {
  const log = join(dir, 'apt-get.log');
  writeFileSync(
    join(bin, 'apt-get'),
    [
      '#!/bin/sh',
      `echo "$@" >> ${log}`,
      'case "$1" in install)',
      `  for t in redis-server cc kubectl; do printf '#!/bin/sh\\n' > ${bin}/$t; /bin/chmod +x ${bin}/$t; done`,
      `   /bin/mkdir -p ${include}/librdkafka; : > ${include}/librdkafka/rdkafka_mock.h;;`,
      'esac',
    ].join('\n'),
  );
  chmodSync(join(bin, 'apt-get'), 0o755);
  return log;
}

function prerequisites(env: Record<string, string>) {
  const started = Date.now();
  const result = spawnSync(join(bin, 'node'), [repoPath('scripts/test-prerequisites.mjs')], {
    // TB_NODE22: the Node 22 step (an npm download into .cache, scripts/node22.mjs) is not what is tested here.
    env: { PATH: bin, TB_TEST_CONTAINERS: '0', TB_PREREQ_INCLUDE_DIRS: include, TB_NODE22: process.execPath, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tb-prereq-'));
  bin = join(dir, 'bin');
  include = join(dir, 'include');
  mkdirSync(bin);
  mkdirSync(include);
  symlinkSync(process.execPath, join(bin, 'node'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm test on a fresh machine (scripts/test-prerequisites.mjs)', () => {
  it('stops at once, when not root, with the one command to run', () => {
    fakeAptGet();
    const run = prerequisites({ TB_PREREQ_UID: '1000' });
    expect(run.status).toBe(1);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toContain(
      '\n  sudo apt-get install -y redis-server librdkafka-dev gcc libc6-dev kubernetes-client\n',
    );
    expect(run.stderr).toContain('redis-server: a local Redis server');
  });

  it('installs what is missing with apt-get when root, saying what and why', () => {
    const log = fakeAptGet();
    const run = prerequisites({ TB_PREREQ_UID: '0' });
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('installing with apt-get:');
    expect(run.stdout).toContain("librdkafka-dev: librdkafka's mock Kafka cluster");
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'update -qq',
      'install -y -qq --no-install-recommends redis-server librdkafka-dev gcc libc6-dev kubernetes-client',
    ]);
    // Nothing left to install: a second run does not call apt-get again.
    expect(prerequisites({ TB_PREREQ_UID: '0' }).status).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('needs nothing when the services are given by address, or when told never to install', () => {
    const given = { REDIS_URL: 'redis://r:6379', KAFKA_BROKERS: 'k:9092', KUBECTL: '/usr/bin/kubectl' };
    expect(prerequisites({ ...given, TB_PREREQ_UID: '1000' }).status).toBe(0);
    const log = fakeAptGet();
    const refused = prerequisites({ TB_PREREQ_UID: '0', TB_TEST_INSTALL: '0' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      '\n  apt-get install -y redis-server librdkafka-dev gcc libc6-dev kubernetes-client\n',
    );
    expect(() => readFileSync(log)).toThrow();
  });

  it('names the non-apt command when there is no apt-get', () => {
    const run = prerequisites({ TB_PREREQ_UID: '1000', REDIS_URL: 'redis://r:6379', KUBECTL: 'kubectl' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /Run:\n {2}(apt-get install -y librdkafka-dev gcc libc6-dev {3}\(Debian|brew install librdkafka)/,
    );
  });
});
