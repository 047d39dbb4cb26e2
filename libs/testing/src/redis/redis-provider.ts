import { execFileSync } from 'node:child_process';

import { Redis } from 'ioredis';

import { containerEngineAvailable } from '../support/container-engine';
import { freePort } from '../support/free-port';
import { MissingTestDependencyError } from '../support/missing-dependency.error';
import { pollUntil } from '../support/poll-until';
import { TetheredProcess } from '../support/tethered-process';
import { uniqueName } from '../support/unique-name';

export type RedisProviderKind = 'external' | 'container' | 'process';

/** Outage control; only a local redis-server process has it. */
export interface RedisOutageControl {
  /** Stops the server (its data is gone: it runs without persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

/** A Redis server for one test file; each test takes its own key prefix. */
export interface RedisTestServer {
  readonly kind: RedisProviderKind;
  readonly url: string;
  readonly outage: RedisOutageControl | undefined;
  /** A key prefix no other test uses, ending in ':'. */
  keyPrefix(name?: string): string;
  stop(): Promise<void>;
}

const CONTAINER_IMAGE = 'redis:7.2-alpine';
const INSTALL_HINT =
  'Install redis-server (Debian/Ubuntu: apt-get install -y redis-server), start a container engine, or set REDIS_URL.';

/**
 * Real Redis for a test: `REDIS_URL` if set, else a container when an engine
 * answers, else a `redis-server` process on a free port.
 */
export async function startRedis(options: { outageControl?: boolean } = {}): Promise<RedisTestServer> {
  const fromEnv = process.env['REDIS_URL'];
  if (options.outageControl !== true && fromEnv !== undefined && fromEnv.trim() !== '') {
    return server('external', fromEnv, undefined, async () => undefined);
  }
  if (options.outageControl !== true && (await containerEngineAvailable())) {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer(CONTAINER_IMAGE).start();
    return server('container', container.getConnectionUrl(), undefined, async () => {
      await container.stop();
    });
  }
  return startLocalRedis();
}

async function startLocalRedis(): Promise<RedisTestServer> {
  const binary = redisServerBinary();
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: TetheredProcess | undefined;
  const start = async (): Promise<void> => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ];
    const started = TetheredProcess.spawn(binary, args, { tether: true });
    proc = started;
    await pollUntil(
      async () => {
        if (!started.running) throw new Error(`redis-server exited: ${started.output()}`);
        return (await ping(url)) || undefined;
      },
      { timeoutMs: 10_000, description: `redis-server on port ${port}` },
    );
  };
  const stop = async (): Promise<void> => {
    await proc?.stop();
  };
  await start();
  return server('process', url, { start, stop }, stop);
}

function redisServerBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new MissingTestDependencyError('Redis', INSTALL_HINT, error);
  }
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function server(
  kind: RedisProviderKind,
  url: string,
  outage: RedisOutageControl | undefined,
  stop: () => Promise<void>,
): RedisTestServer {
  return { kind, url, outage, keyPrefix: (name = 'test') => `${uniqueName(name)}:`, stop };
}
