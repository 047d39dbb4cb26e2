#!/usr/bin/env node
// The `temporal-bridge` command (`npx temporal-bridge ...` from the repository).
// A committed, executable entry rather than dist/cli/main.js itself: on a
// fresh clone npm links bins before anything is built, and a file tsc creates
// later is not executable. From a clone that has not been built yet, it
// builds once first, reporting on stderr so that stdout stays the answer.
'use strict';
/* global require, __dirname */
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(main)) {
  const root = join(__dirname, '..', '..', '..');
  process.stderr.write('temporal-bridge: building the workspace first (once, under a minute)...\n');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0 || !existsSync(main)) {
    process.stderr.write(`temporal-bridge: the build failed; run \`npm run build\` in ${root} to see why\n`);
    process.exit(1);
  }
}
require(main);
