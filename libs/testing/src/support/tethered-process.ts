import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A server process tied to the test process that started it: it is stopped
 * when stdin closes, which also happens when the test process dies without
 * cleaning up (kill -9, crash), so no test leaves servers running behind it.
 *
 * Programs that do not watch stdin themselves run under a small sh wrapper
 * that does it for them (`tether: true`).
 */
export class TetheredProcess {
  readonly exited: Promise<number | null>;
  private readonly tail: string[] = [];

  private constructor(
    readonly description: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const keep = (chunk: Buffer): void => {
      this.tail.push(chunk.toString('utf8'));
      if (this.tail.length > 50) this.tail.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static spawn(command: string, args: readonly string[], options: { tether: boolean }): TetheredProcess {
    // sh gives background jobs /dev/null as stdin, so the watcher reads the
    // real stdin through fd 3.
    const script =
      'exec 3<&0; "$@" & child=$!; ( cat <&3 >/dev/null; kill -TERM "$child" 2>/dev/null ) & watcher=$!; ' +
      'wait "$child"; status=$?; kill "$watcher" 2>/dev/null; exit $status';
    const child = options.tether
      ? spawn('sh', ['-c', script, 'sh', command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    // A failed spawn (ENOENT) surfaces as 'error'; the exit promise reports it.
    child.once('error', () => undefined);
    return new TetheredProcess(`${command} ${args.join(' ')}`, child);
  }

  /** Recent output, for error messages. */
  output(): string {
    return this.tail.join('').slice(-4000);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Closes stdin (graceful stop) and waits; kills after `timeoutMs`. */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
