import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// What the SDK runs on: instrumenting them would record the SDK recording the app (and loop).
const OWN = ['@temporal-bridge/event-schema', '@temporal-bridge/auto-instrument'];
const RUNTIME_DEPS = ['zod', 'picomatch', 'kafkajs'];
const TRANSFORM_DEPS = [
  'oxc-parser',
  'magic-string',
  '@jridgewell/trace-mapping',
  '@jridgewell/gen-mapping',
  '@jridgewell/sourcemap-codec',
  '@jridgewell/resolve-uri',
];

/**
 * The directories whose files are never instrumented, even when a glob
 * names them: this package and the packages it runs on (resolved the way
 * Node resolves them, so a monorepo's symlinked workspaces are covered).
 */
export function sdkDirs(): string[] {
  const dirs = new Set<string>();
  const self = packageDir(__dirname);
  if (self !== undefined) dirs.add(self);
  const fromSelf = createRequire(join(self ?? __dirname, 'package.json'));
  for (const name of [...OWN, ...RUNTIME_DEPS]) addResolved(dirs, fromSelf, name);
  const transform = tryResolve(fromSelf, '@temporal-bridge/auto-instrument');
  if (transform !== undefined) {
    const fromTransform = createRequire(transform);
    for (const name of TRANSFORM_DEPS) addResolved(dirs, fromTransform, name);
  }
  return [...dirs];
}

function addResolved(dirs: Set<string>, require: NodeJS.Require, name: string): void {
  const file = tryResolve(require, name);
  const dir = file === undefined ? undefined : packageDir(dirname(file), name);
  if (dir !== undefined) dirs.add(dir);
}

function tryResolve(require: NodeJS.Require, name: string): string | undefined {
  try {
    return require.resolve(name);
  } catch {
    return undefined;
  }
}

/** The nearest directory at or above `from` with a package.json (named `name` when given). */
function packageDir(from: string, name?: string): string | undefined {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      if (name === undefined) return dir;
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
      } catch {
        // A package.json that does not parse: keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
