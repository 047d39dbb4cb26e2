#!/usr/bin/env node
// Checks that every package npm installs for this repository (every entry of
// package-lock.json, which `npm ci` installs exactly) accepts the Node.js
// versions the README promises, so a user on the oldest one gets no
// EBADENGINE warning and no dependency that quietly needs a newer runtime.
// Run by `npm test` (scripts/run-tests.mjs) before the tests; exit 1 names
// each offender and who pulls it in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import semver from 'semver';

const root = join(import.meta.dirname, '..');

/**
 * The versions to accept: the oldest of each release line the README names
 * ("Node.js 20.19+, 22.13+ or 24+" means 20.19.0, 22.13.0 and 24.0.0).
 */
export function promisedVersions(readme) {
  const match = /Node\.js (\d+(?:\.\d+)?\+(?:(?:, | or )\d+(?:\.\d+)?\+)*)/.exec(readme);
  if (match === null) throw new Error('README.md names no "Node.js X.Y+" requirement');
  return match[1].split(/, | or /).map((v) => semver.coerce(v.replace('+', ''))?.version ?? v);
}

/** Offenders as sentences; empty when every package accepts every version. */
export function engineProblems(lock, versions, rootEngines) {
  const problems = [];
  if (rootEngines === undefined || !versions.every((v) => semver.satisfies(v, rootEngines))) {
    problems.push(`package.json engines.node (${rootEngines}) does not accept ${versions.join(', ')}`);
  }
  if (rootEngines !== undefined && semver.minVersion(rootEngines)?.version !== versions[0]) {
    problems.push(`package.json engines.node (${rootEngines}) and the README disagree on the oldest Node.js`);
  }
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const range = typeof entry.engines === 'object' && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
    if (path === '' || range === undefined) continue;
    const refused = versions.filter((v) => !semver.satisfies(v, range, { includePrerelease: true }));
    if (refused.length === 0) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length) || path;
    const parent = path.includes('/node_modules/', 1)
      ? ` (under ${path.slice(0, path.lastIndexOf('/node_modules/'))})`
      : '';
    problems.push(`${name}@${entry.version ?? '?'}${parent} needs Node.js ${range}: not ${refused.join(', ')}`);
  }
  return problems;
}

if (process.argv[1] === import.meta.filename) {
  // Another directory holding README.md, package.json and package-lock.json (for its tests).
  const dir = process.argv[2] ?? root;
  const versions = promisedVersions(readFileSync(join(dir, 'README.md'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const problems = engineProblems(lock, versions, manifest.engines?.node);
  if (problems.length > 0) {
    console.error(`Node.js support: the README promises ${versions.join(', ')}, but:`);
    for (const problem of problems) console.error(`  ${problem}`);
    console.error(
      'Pin or override a version that supports them (package.json "overrides"), or correct the README and engines.',
    );
    process.exit(1);
  }
  console.log(`engines: every installed package accepts Node.js ${versions.join(', ')}`);
}
