import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const ROOT = resolve(__dirname, '../../../..');
const LOCK = join(
  tmpdir(),
  `temporal-bridge-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`,
);
const built = new Map<string, Promise<void>>();

/**
 * Compiles projects with `tsc -b` (incremental) so a test can run a service
 * as a real process, even on a fresh clone where nothing was built. Test
 * files run in parallel processes: a lock directory keeps two builds from
 * writing the same outputs at once.
 *
 * @example await buildProjects('services/bridge/tsconfig.app.json');
 */
export function buildProjects(...tsconfigs: string[]): Promise<void> {
  const key = tsconfigs.join(' ');
  let build = built.get(key);
  if (build === undefined) {
    build = withLock(async () => {
      await execFileAsync(join(ROOT, 'node_modules/.bin/tsc'), ['-b', ...tsconfigs], { cwd: ROOT });
    });
    built.set(key, build);
  }
  return build;
}

/** Absolute path of a file in the repository. */
export function repoPath(...segments: string[]): string {
  return join(ROOT, ...segments);
}

async function withLock(work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a process killed mid-build goes stale after 5 minutes.
      const age = Date.now() - statOrNow(LOCK);
      if (age > 300_000) rmdirSync(LOCK);
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for the build lock ${LOCK}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await work();
  } finally {
    rmdirSync(LOCK);
  }
}

function statOrNow(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}
