import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

import { MissingTestDependencyError } from '../support/missing-dependency.error';
import { TetheredProcess } from '../support/tethered-process';

const execFileAsync = promisify(execFile);
const LAUNCHER_SOURCE = join(__dirname, 'mock-cluster-launcher.c');
const INSTALL_HINT =
  'Install librdkafka and a C compiler (Debian/Ubuntu: apt-get install -y librdkafka-dev gcc), ' +
  'start a container engine, or set KAFKA_BROKERS to a running cluster.';

/** Kafka protocol API keys used with {@link MockKafkaCluster.failRequests}. */
export const KafkaApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  SyncGroup: 14,
} as const;

/**
 * Fault injection on librdkafka's mock cluster. Broker ids start at 1; -1
 * means every broker.
 */
export interface KafkaFaultInjector {
  /** Disconnects the broker and refuses new connections (no leader change). */
  brokerDown(brokerId: number): Promise<void>;
  brokerUp(brokerId: number): Promise<void>;
  /** Adds round-trip delay to every response of the broker. */
  setRtt(brokerId: number, ms: number): Promise<void>;
  /** Fails the next `count` requests of `apiKey` with Kafka error `errorCode`. */
  failRequests(apiKey: number, errorCode: number, count: number): Promise<void>;
  clearRequestErrors(apiKey: number): Promise<void>;
}

/** librdkafka's mock cluster in a child process, driven over stdin. */
export class MockKafkaCluster implements KafkaFaultInjector {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly process: TetheredProcess,
    private readonly replies: AsyncIterator<string>,
    readonly brokers: string[],
  ) {}

  static async start(brokerCount: number): Promise<MockKafkaCluster> {
    const launcher = await compiledLauncher();
    const proc = TetheredProcess.spawn(launcher, [String(brokerCount)], { tether: false });
    if (proc.child.stdout === null) throw new Error('kafka mock launcher has no stdout');
    const lines = createInterface({ input: proc.child.stdout })[Symbol.asyncIterator]();
    const first = await Promise.race([
      lines.next(),
      proc.exited.then((code) => ({ done: true as const, value: `exited with ${code}` })),
    ]);
    const match = /^bootstraps (\S+)$/.exec(first.done === true ? '' : first.value);
    if (match?.[1] === undefined) {
      await proc.stop();
      throw new Error(`kafka mock launcher did not start: ${String(first.value)}\n${proc.output()}`);
    }
    return new MockKafkaCluster(proc, lines, match[1].split(','));
  }

  createTopic(name: string, partitions: number): Promise<void> {
    return this.command(`topic ${name} ${partitions}`);
  }

  brokerDown(brokerId: number): Promise<void> {
    return this.command(`down ${brokerId}`);
  }

  brokerUp(brokerId: number): Promise<void> {
    return this.command(`up ${brokerId}`);
  }

  setRtt(brokerId: number, ms: number): Promise<void> {
    return this.command(`rtt ${brokerId} ${ms}`);
  }

  failRequests(apiKey: number, errorCode: number, count: number): Promise<void> {
    return this.command(`errors ${apiKey} ${errorCode} ${count}`);
  }

  clearRequestErrors(apiKey: number): Promise<void> {
    return this.command(`clear ${apiKey}`);
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  /** Commands are answered one line each, in order: serialise them. */
  private command(line: string): Promise<void> {
    const run = async (): Promise<void> => {
      if (!this.process.running) throw new Error(`kafka mock cluster is not running (${line})`);
      this.process.child.stdin?.write(`${line}\n`);
      const reply = await this.replies.next();
      if (reply.done === true) throw new Error(`kafka mock cluster exited during "${line}"`);
      if (reply.value !== 'ok') throw new Error(`kafka mock cluster refused "${line}": ${reply.value}`);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/**
 * Compiles the launcher once per source version and caches the binary in the
 * temp directory; concurrent test processes compile to private names and
 * rename atomically, so they never see a half-written binary.
 */
async function compiledLauncher(): Promise<string> {
  const source = await readFile(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'temporal-bridge-test-cache');
  const binary = join(dir, `kafka-mock-launcher-${hash}`);
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await execFileAsync('cc', ['-O2', '-o', partial, LAUNCHER_SOURCE, '-lrdkafka']);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new MissingTestDependencyError(
      'Kafka',
      `${INSTALL_HINT}\nCompiling the mock cluster launcher failed: ${detail}`,
      error,
    );
  }
  await rename(partial, binary);
  return binary;
}
