import { spawnSync } from 'node:child_process';
import { writeSync } from 'node:fs';
import { join } from 'node:path';

import { install } from '../runtime/default-runtime';
import { type InstrumentationRuntime } from '../runtime/instrumentation-runtime';
import { type AutoConfig, DEFAULT_ENDPOINT, loadAutoConfig } from './auto-config';
import { ManifestPublisher } from './manifest-publisher';
import { type EsmHook, installModuleHooks } from './module-hooks';
import { PROBES_KEY, ProbeHost } from './probe-host';
import { sdkDirs } from './sdk-dirs';

const STARTED = Symbol.for('temporal-bridge.auto-started');
const EXIT_FLUSH_MS = 5_000;
const SIGNAL_FLUSH_MS = 2_000;
const EXIT_SEND_MS = 5_000;

/**
 * What `register` started.
 *
 * @example
 * const auto = startAutoInstrumentation(process.env, process.cwd());
 * auto?.host.stats();
 */
export interface AutoInstrumentation {
  config: AutoConfig;
  host: ProbeHost;
  /** The ES module hook in place (CommonJS always goes through `Module.prototype._compile`). */
  esmHook: EsmHook;
  /** Undefined with TB_ENABLED=0 (the code is instrumented, nothing is emitted). */
  runtime: InstrumentationRuntime | undefined;
}

function say(message: string): void {
  process.stderr.write(`temporal-bridge: ${message}\n`);
}

/**
 * Starts automatic instrumentation: settings, runtime (installed as the
 * default runtime, so `traced()` nests with automatic calls), probe host,
 * module hooks, exit handling. All or nothing: a bad setting or a failure
 * leaves the app running uninstrumented with one message on stderr; it
 * never throws. Idempotent (`--import` and `--require` together start once).
 */
export function startAutoInstrumentation(env: NodeJS.ProcessEnv, cwd: string): AutoInstrumentation | undefined {
  const global = globalThis as Record<symbol, unknown>;
  if (global[STARTED] !== undefined) return global[STARTED] as AutoInstrumentation;
  const loaded = loadAutoConfig(env, cwd);
  if (!loaded.ok) {
    say(`automatic instrumentation not started: ${loaded.message}`);
    return undefined;
  }
  const config = loaded.config;
  let runtime: InstrumentationRuntime | undefined;
  let host: ProbeHost | undefined;
  let esmHook: EsmHook;
  try {
    if (config.enabled) {
      runtime = install({
        service: config.service,
        transport: config.transport,
        sampling: { traceRate: config.traceRate },
        queue: { capacity: config.queueCapacity },
        capture: { ...config.capture, captureArgs: config.captureArgs, captureResult: config.captureResult },
      });
    }
    const publisher = new ManifestPublisher(runtime, config.service, config.manifest);
    host = new ProbeHost(runtime, {
      nodeBudget: config.nodeBudget,
      reportIntervalMs: config.reportIntervalMs,
      onModule: (descriptor) => publisher.publish(descriptor),
      warn: say,
    }).install();
    esmHook = installModuleHooks({
      root: config.root,
      include: [...config.include],
      exclude: [...config.exclude],
      sdkDirs: sdkDirs(),
    }).esm;
  } catch (error) {
    host?.shutdown();
    delete global[PROBES_KEY];
    void runtime?.shutdown(0);
    say(`automatic instrumentation not started: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  if (config.enabled && config.defaultTransport) {
    say(`TB_ENDPOINT and TB_KAFKA_BROKERS are not set: sending events to ${DEFAULT_ENDPOINT}`);
  }
  if (config.debug) say(`module hooks: ${esmHook} for ES modules, Module.prototype._compile for CommonJS`);
  if (runtime !== undefined) handleExit(host, runtime, config);
  const started: AutoInstrumentation = { config, host, esmHook, runtime };
  global[STARTED] = started;
  return started;
}

/**
 * Delivers what is queued when the app ends, without changing how it ends:
 * on `beforeExit` (the loop ran dry) open generator calls are closed as
 * abandoned and the queue is flushed (beforeExit comes again once the flush
 * is done, and then nothing is left to do). On SIGTERM / SIGINT with no
 * handler of the app's own, the queue is flushed (at most 2 s) and the
 * signal raised again, so the process still dies of it. On `exit` (after
 * `process.exit()` or an uncaught exception, when no asynchronous send can
 * complete) whatever is still unsent goes to a short-lived child process
 * through spawnSync, which sends it with the same transport (at most 5 s);
 * the exit code and output of the app stay as they were, but for one line
 * on stderr when those events could not be sent (the sender's reason, or
 * that it had no answer in time).
 */
/** Where a transport sends, for a message. */
function destination(transport: AutoConfig['transport']): string {
  if (transport.kind === 'http') return transport.baseUrl;
  if (transport.kind === 'kafka') return `Kafka ${transport.brokers.join(',')}`;
  return 'the in-process bridge';
}

function handleExit(host: ProbeHost, runtime: InstrumentationRuntime, config: AutoConfig): void {
  let settled = false;
  process.on('beforeExit', () => {
    if (!settled) {
      settled = true;
      host.settle();
      // A short-lived app ends before the periodic drop report: what a full queue cost is said now.
      runtime.reportDrops();
    }
    const { queue_depth, in_flight } = runtime.stats();
    if (queue_depth + in_flight > 0) void runtime.flush(EXIT_FLUSH_MS);
  });
  process.on('exit', () => {
    host.settle();
    runtime.reportDrops();
    const events = runtime.takeUnsent();
    if (events.length === 0) return;
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', TB_ENABLED: '0' };
    // The sender's stderr is the app's: it says itself why it could not send.
    const sent = spawnSync(process.execPath, [join(__dirname, 'exit-sender.js')], {
      input: JSON.stringify({ transport: config.transport, events }),
      env,
      stdio: ['pipe', 'ignore', 'inherit'],
      timeout: EXIT_SEND_MS,
    });
    if (sent.error !== undefined) {
      const why =
        (sent.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
          ? `no answer from ${destination(config.transport)} within ${EXIT_SEND_MS} ms`
          : sent.error.message;
      // Synchronous: the process ends right after this handler.
      writeSync(
        2,
        `temporal-bridge: ${events.length} event${events.length === 1 ? '' : 's'} at exit not sent: ${why}\n`,
      );
    }
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = (): void => {
      const appHandles = process.listenerCount(signal) > 1;
      host.settle();
      void runtime.flush(SIGNAL_FLUSH_MS).finally(() => {
        if (appHandles) return;
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, onSignal);
  }
}
