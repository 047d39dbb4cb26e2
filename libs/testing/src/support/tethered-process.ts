import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A server process tied to the test process that started it: it is stopped
 * when stdin closes, which also happens when the test process dies without
 * cleaning up (kill -9, crash), so no test leaves servers running behind it.
 *
 * Programs that do not watch stdin themselves run under a small sh wrapper
 * that does it for them (`tether: true`).
 */
export interface SpawnOptions {
  /** Run under the stdin-watching sh wrapper (for programs that do not watch stdin). */
  tether: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class TetheredProcess {
  readonly exited: Promise<number | null>;
  private readonly tail: string[] = [];
  private readonly payloadPid: Promise<number>;

  private constructor(
    readonly description: string,
    readonly child: ChildProcess,
    tethered: boolean,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? (signal === null ? null : 128))),
    );
    const keep = (chunk: Buffer): void => {
      this.tail.push(chunk.toString('utf8'));
      if (this.tail.length > 200) this.tail.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.payloadPid = tethered ? readPid(child) : Promise.resolve(child.pid ?? -1);
  }

  static spawn(command: string, args: readonly string[], options: SpawnOptions): TetheredProcess {
    // sh gives background jobs /dev/null as stdin, so the watcher reads the
    // real stdin through fd 4; the payload's pid goes back on fd 3.
    const script =
      'exec 4<&0; "$@" 3>&- 4<&- & child=$!; echo "$child" >&3; exec 3>&-; ' +
      '( cat <&4 >/dev/null; kill -TERM "$child" 2>/dev/null ) & watcher=$!; ' +
      'wait "$child"; status=$?; kill "$watcher" 2>/dev/null; exit $status';
    const spawnOptions = { env: options.env ?? process.env, cwd: options.cwd };
    const child = options.tether
      ? spawn('sh', ['-c', script, 'sh', command, ...args], {
          ...spawnOptions,
          stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
        })
      : spawn(command, [...args], { ...spawnOptions, stdio: ['pipe', 'pipe', 'pipe'] });
    // A failed spawn (ENOENT) surfaces as 'error'; the exit promise reports it.
    child.once('error', () => undefined);
    return new TetheredProcess(`${command} ${args.join(' ')}`, child, options.tether);
  }

  /** The pid of the program itself (not of its wrapper). */
  pid(): Promise<number> {
    return this.payloadPid;
  }

  /** Sends a signal to the program itself, e.g. SIGKILL to simulate a crash. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    process.kill(await this.payloadPid, signal);
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

function readPid(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const pipe = child.stdio[3];
    if (pipe === null || pipe === undefined || !('on' in pipe)) {
      reject(new Error('no pid pipe'));
      return;
    }
    let text = '';
    pipe.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    pipe.on('end', () => {
      const pid = Number.parseInt(text.trim(), 10);
      if (Number.isInteger(pid) && pid > 0) resolve(pid);
      else reject(new Error(`wrapper reported no pid (${text.trim()})`));
    });
  });
}
