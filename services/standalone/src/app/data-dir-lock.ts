import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** DATA_DIR holds another running standalone process (or another ClickHouse). */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';

  constructor(
    readonly dataDir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another process${pid === undefined ? '' : ` (pid ${pid})`}; ` +
        'stop it, or choose another directory: DATA_DIR=./data-2 npm start',
    );
  }
}

/**
 * A pid file in DATA_DIR, taken before embedded ClickHouse opens it. chdb's
 * own lock only shows up as a native error and a long stack; checking first
 * lets start-up say in one line what is wrong. A file left by a process that
 * died (kill -9) names a pid that no longer runs, and is taken over.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  /** Takes the lock or throws DataDirInUseError. */
  static acquire(dataDir: string): DataDirLock {
    const path = join(dataDir, 'standalone.pid');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readPid(path);
      if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
        throw new DataDirInUseError(dataDir, holder);
      }
      // Stale (its process is gone) or half-written: remove it and try again.
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new DataDirInUseError(dataDir, readPid(path));
  }

  /** Removes the pid file if it is still ours; safe to call more than once. */
  release(): void {
    if (readPid(this.path) !== process.pid) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A pid reused by something else after a crash (containers restart at
  // low pids): only a Node.js process can be a standalone server.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true; // no /proc (macOS): trust the pid
  }
}
