#!/usr/bin/env node
// What `npm test` needs from the system, checked before any test runs. The
// tests use real Redis and Kafka: an address in the environment (REDIS_URL,
// KAFKA_BROKERS), else a container engine, else local processes that need
// redis-server, librdkafka (its mock cluster) and a C compiler. On a fresh
// Debian/Ubuntu machine running as root the missing packages are installed
// with apt-get (saying what and why); anywhere else the run stops at once
// with the one command to run. kubectl (the deploy checks) is needed either
// way. TB_TEST_INSTALL=0 never installs. The pinned Node 22 binary of the loader specs is
// installed into .cache/node22 from the npm registry when absent (scripts/node22.mjs).
//
// For its own tests: TB_PREREQ_UID stands for the user id and
// TB_PREREQ_INCLUDE_DIRS for the C header search path.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

import { ensureNode22 } from './node22.mjs';

const env = process.env;
const includeDirs = (env.TB_PREREQ_INCLUDE_DIRS ?? '/usr/include:/usr/local/include:/opt/homebrew/include').split(
  delimiter,
);

function onPath(tool) {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The packages a local-process run lacks, each with why it is needed. */
function missing() {
  const lacking = [];
  if (env.REDIS_URL === undefined && !onPath('redis-server')) {
    lacking.push({ apt: ['redis-server'], brew: ['redis'], why: 'a local Redis server for the correlation tests' });
  }
  if (env.KAFKA_BROKERS === undefined) {
    if (!includeDirs.some((dir) => existsSync(join(dir, 'librdkafka', 'rdkafka_mock.h')))) {
      lacking.push({ apt: ['librdkafka-dev'], brew: ['librdkafka'], why: "librdkafka's mock Kafka cluster" });
    }
    if (!onPath('cc')) {
      lacking.push({ apt: ['gcc', 'libc6-dev'], brew: [], why: 'a C compiler for the mock Kafka cluster launcher' });
    }
  }
  // Always needed: the Kubernetes manifests are rendered offline (libs/deploy-checks).
  if (env.KUBECTL === undefined && !onPath('kubectl')) {
    lacking.push({
      apt: ['kubernetes-client'],
      brew: ['kubectl'],
      why: 'kubectl, which renders the Kubernetes manifests offline',
      always: true,
    });
  }
  return lacking;
}

/** The harness's own probe (libs/testing): a container engine makes every local process unnecessary. */
async function containerEngineAnswers() {
  if (env.TB_TEST_CONTAINERS === '0') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([getContainerRuntimeClient(), new Promise((_, reject) => setTimeout(reject, 10_000))]);
    return true;
  } catch {
    return false;
  }
}

function describe(lacking) {
  return lacking.map((l) => `  ${l.apt.join(', ')}: ${l.why}`).join('\n');
}

/** The Node 22 binary (an npm package, so no root or apt-get needed); false after saying why not. */
function node22() {
  if (env.TB_TEST_INSTALL === '0') return true; // the spec says what is missing, if anything
  try {
    ensureNode22((line) => console.log(`npm test: ${line}`));
    return true;
  } catch (error) {
    console.error(`npm test: ${error.message}`);
    return false;
  }
}

async function main() {
  if (!node22()) return 1;
  let lacking = missing();
  // A container engine stands in for the local Redis and Kafka, not for kubectl.
  if (lacking.some((l) => !l.always) && (await containerEngineAnswers())) lacking = lacking.filter((l) => l.always);
  if (lacking.length === 0) return 0;

  const apt = lacking.flatMap((l) => l.apt);
  const uid = env.TB_PREREQ_UID !== undefined ? Number(env.TB_PREREQ_UID) : process.getuid?.();
  const hasApt = onPath('apt-get');
  if (hasApt && uid === 0 && env.TB_TEST_INSTALL !== '0') {
    console.log(
      `npm test: no container engine, REDIS_URL or KAFKA_BROKERS; installing with apt-get:\n${describe(lacking)}`,
    );
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-install-recommends', ...apt],
    ]) {
      const step = spawnSync('apt-get', args, { stdio: 'inherit', env: aptEnv });
      if (step.status !== 0) {
        console.error(`npm test: apt-get ${args[0]} failed (status ${step.status ?? step.signal}); install by hand:`);
        console.error(`  apt-get install -y ${apt.join(' ')}`);
        return 1;
      }
    }
    const still = missing().filter((l) => lacking.some((was) => was.apt[0] === l.apt[0]));
    if (still.length === 0) return 0;
    console.error(`npm test: still missing after apt-get:\n${describe(still)}`);
    return 1;
  }

  const brew = lacking.flatMap((l) => l.brew);
  const command = hasApt
    ? `${uid === 0 ? '' : 'sudo '}apt-get install -y ${apt.join(' ')}`
    : process.platform === 'darwin' && brew.length > 0
      ? `brew install ${brew.join(' ')}`
      : `apt-get install -y ${apt.join(' ')}   (Debian/Ubuntu; elsewhere the same packages from your system)`;
  console.error(
    [
      'npm test runs real Redis and Kafka (local processes where no container engine answers and',
      `REDIS_URL / KAFKA_BROKERS are not set) and renders the Kubernetes manifests; missing here:\n${describe(lacking)}`,
      `Run:\n  ${command}`,
      'then npm test again (a container engine or REDIS_URL and KAFKA_BROKERS replace the Redis and Kafka packages).',
    ].join('\n'),
  );
  return 1;
}

process.exit(await main());
