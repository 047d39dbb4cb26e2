#!/usr/bin/env node
// Runs every Vitest project (unit and integration) and ends with one line,
// "N passed, N failed", which CI reads. A test file that fails to load, an
// unhandled error, or a skipped/todo test counts as a failure: a feature that
// exists only as a skipped test does not exist. Extra arguments go to Vitest.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const report = join(tmpdir(), `temporal-bridge-vitest-${process.pid}.json`);
const vitest = join(root, 'node_modules', '.bin', 'vitest');

// Redis, Kafka and a compiler for the local fallbacks: installed here when
// root with apt-get, else the run stops at once with the command to run.
if (spawnSync(process.execPath, [join(root, 'scripts/test-prerequisites.mjs')], { stdio: 'inherit' }).status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// Checks that fail before any test runs count as one failure each, so the
// summary line still says something went wrong.
const preflight = [['scripts/check-engines.mjs', []]];
let preflightFailed = 0;
for (const [script, args] of preflight) {
  const check = spawnSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' });
  if (check.status !== 0) preflightFailed += 1;
}

const run = spawnSync(
  vitest,
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);

let passed = 0;
let failed = preflightFailed;
const problems = [];
const notRun = [];
const NEEDS_CONTAINER_ENGINE = '[needs a container engine]';
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  rmSync(report, { force: true });
  passed = result.numPassedTests;
  failed += result.numFailedTests;
  for (const file of result.testResults) {
    const assertions = file.assertionResults ?? [];
    if (file.status === 'failed' && !assertions.some((a) => a.status === 'failed')) {
      failed += 1;
      problems.push(`file failed outside any test: ${file.name}\n  ${(file.message ?? '').split('\n')[0]}`);
    }
    for (const a of assertions) {
      // Tests marked as needing a container engine are skipped where none
      // answers: counted and named as not run, never as passed (see
      // libs/deploy-checks/src/containers/not-run.ts). Any other skip fails.
      if (a.status === 'skipped' && (a.fullName ?? '').includes(NEEDS_CONTAINER_ENGINE)) {
        notRun.push(`${file.name} > ${a.fullName}`);
        continue;
      }
      if (a.status === 'pending' || a.status === 'skipped' || a.status === 'todo') {
        failed += 1;
        problems.push(`not run (${a.status}): ${file.name} > ${a.fullName}`);
      }
    }
  }
} else {
  problems.push('Vitest wrote no report');
}
if (run.status !== 0 && failed === preflightFailed) {
  failed += 1;
  problems.push(`Vitest exited with status ${run.status ?? run.signal} (unhandled error or crash; see above)`);
}
for (const problem of problems) console.log(problem);
if (notRun.length > 0) {
  console.log(`${notRun.length} not run (no container engine answers; TB_TEST_CONTAINERS=1 makes that a failure):`);
  for (const test of notRun) console.log(`  not run: ${test}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
