import { describe, expect, it } from 'vitest';

import { pollUntil } from './poll-until';
import { TetheredProcess } from './tethered-process';

describe('TetheredProcess', () => {
  it('stops a tethered program when stdin closes', async () => {
    const proc = TetheredProcess.spawn('sleep', ['60'], { tether: true });
    const pid = await proc.pid();
    expect(alive(pid)).toBe(true);
    await proc.stop();
    await pollUntil(() => !alive(pid), { description: 'payload gone' });
  });

  it('signals the program itself, so a test can kill -9 it', async () => {
    const proc = TetheredProcess.spawn('sleep', ['60'], { tether: true });
    await proc.signal('SIGKILL');
    expect(await proc.exited).toBe(137);
  });

  it('passes the environment through', async () => {
    const proc = TetheredProcess.spawn('sh', ['-c', 'echo "value=$PROBE"'], {
      tether: true,
      env: { ...process.env, PROBE: 'xyz' },
    });
    await proc.exited;
    expect(proc.output()).toContain('value=xyz');
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
