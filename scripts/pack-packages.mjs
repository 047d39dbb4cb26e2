#!/usr/bin/env node
// Packs the packages applications install from npm (each with its prepack
// build) and checks what would be published: not private, entry points and
// types present, every runtime import declared as a dependency, no build
// leftovers. `node scripts/pack-packages.mjs [dest]` prints, as JSON, each
// package's name, tarball and dependencies, or the problems and exits 1. The packaging test installs these
// tarballs into a project outside the workspace.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/**
 * The publishable packages, in dependency order. A new one is one more line
 * here: packing, the checks and the install test all read this list.
 */
export const PUBLISHABLE_PACKAGES = ['libs/event-schema', 'libs/auto-instrument', 'libs/instrumentation'];

/** Files that must never reach a tarball: tests, fixtures, build state, maps pointing at unshipped sources. */
const LEFTOVER = /(\.spec\.|\.test\.|__fixtures__\/|test-support\/|\.tsbuildinfo$|\.map$|(^|\/)src\/)/;

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** The bare module names a built file loads (require, import, dynamic import). */
function importsOf(source) {
  const names = new Set();
  const pattern = /(?:require\(|import\(|from\s+)\s*['"]([^'"]+)['"]/g;
  // Comments (JSDoc examples) are not imports.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const [, spec] of code.matchAll(pattern)) {
    if (spec.startsWith('.') || spec.startsWith('/') || BUILTINS.has(spec)) continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return names;
}

/** What is wrong with one packed package (npm pack --json entry), as sentences. */
function problemsOf(dir, manifest, packed) {
  const problems = [];
  const files = new Set(packed.files.map((f) => f.path));
  if (manifest.private) problems.push('is "private": npm refuses to publish it');
  if (manifest.publishConfig?.access !== 'public') problems.push('needs publishConfig.access "public" (scoped)');
  if (!manifest.scripts?.prepack) problems.push('has no prepack build: a pack from a fresh clone would be empty');
  const entry = manifest.exports?.['.'];
  for (const target of [manifest.main, manifest.types, entry?.types, entry?.default, entry?.import, entry?.require]) {
    if (target !== undefined && !files.has(target.replace(/^\.\//, ''))) problems.push(`ships no ${target}`);
  }
  if (entry === undefined) problems.push('has no exports["."]');
  for (const path of files) if (LEFTOVER.test(path)) problems.push(`ships a build leftover: ${path}`);
  const declared = new Set([manifest.name, ...Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })]);
  for (const path of files) {
    if (!path.endsWith('.js')) continue;
    for (const name of importsOf(readFileSync(join(root, dir, path), 'utf8'))) {
      if (!declared.has(name)) problems.push(`${path} loads ${name}, which is not in dependencies`);
    }
  }
  return problems.map((p) => `${manifest.name} (${dir}) ${p}`);
}

/**
 * Packs every publishable package into `dest` (prepack builds it first).
 * Returns `{dir, name, tarball, dependencies}` in PUBLISHABLE_PACKAGES order;
 * throws with every problem found.
 */
export function packPackages(dest = mkdtempSync(join(tmpdir(), 'tb-pack-'))) {
  mkdirSync(dest, { recursive: true });
  const tarballs = [];
  const problems = [];
  for (const dir of PUBLISHABLE_PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dest], {
      cwd: join(root, dir),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // prepack output goes to stdout before the JSON on some npm versions.
    const [packed] = JSON.parse(out.slice(out.indexOf('[')));
    problems.push(...problemsOf(dir, manifest, packed));
    tarballs.push({
      dir,
      name: manifest.name,
      tarball: join(dest, packed.filename),
      dependencies: manifest.dependencies ?? {},
    });
  }
  if (problems.length > 0) throw new Error(`packages not publishable:\n  ${problems.join('\n  ')}`);
  return tarballs;
}

if (process.argv[1] === import.meta.filename) {
  try {
    console.log(JSON.stringify(packPackages(process.argv[2] ? resolve(process.argv[2]) : undefined), null, 2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
