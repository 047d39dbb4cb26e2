import { fork } from 'node:child_process';

/**
 * Runs a load generator script (TypeScript, through tsx) in a process of its
 * own, so it does not share an event loop with what it measures. The script
 * reads `config` as JSON from argv[2] and prints its result as JSON on the
 * last line of stdout.
 */
export async function runLoadChild<Result>(script: string, config: unknown): Promise<Result> {
  const child = fork(script, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load client exited with ${code}: ${out}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as Result;
}
