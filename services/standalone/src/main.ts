import 'reflect-metadata';

import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

import { applyHeapGrowth, createLogger, loadOrExit, runService } from '@temporal-bridge/service-kit';
import { StorageUnavailableError } from '@temporal-bridge/temporal-storage';

import { createStandaloneApp } from './app/create-standalone-app';
import { DataDirInUseError, DataDirLock } from './app/data-dir-lock';
import { exposureWarning, loadStandaloneConfig } from './config/standalone.config';

/** Exit codes (README, "Configuration"), so scripts can tell the causes apart. */
const EXIT_DATA_DIR_IN_USE = 73;
const EXIT_PORT_IN_USE = 75;

const config = loadOrExit(() => loadStandaloneConfig(), createLogger('standalone'));
const logger = createLogger('standalone', config.LOG_LEVEL);
const exposure = exposureWarning(config);
if (exposure !== undefined) logger.warn(exposure);
// Before anything is allocated: bounds the heap by what is live, not by the ingest rate.
applyHeapGrowth(config.V8_HEAP_GROWING_PERCENT);

/** A start-up problem the person can fix: one line on stderr, not a stack trace. */
function stop(message: string, code: number): never {
  process.stderr.write(`temporal-bridge standalone: ${message}\n`);
  process.exit(code);
}

function portProblem(code: string | undefined): string | undefined {
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return undefined;
  const why = code === 'EADDRINUSE' ? 'is in use by another process' : 'needs privileges this process lacks';
  return `PORT ${config.PORT} on ${config.HOST} ${why}; choose another: PORT=${config.PORT === 4010 ? 4020 : 4010} npm start`;
}

/** Tries the port before opening storage, so a taken port ends start-up at once (listen still handles a race). */
function checkPort(): Promise<void> {
  if (config.PORT === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const problem = portProblem(error.code);
      if (problem !== undefined) stop(problem, EXIT_PORT_IN_USE);
      resolve(); // anything else: let listen report it
    });
    probe.listen(config.PORT, config.HOST, () => probe.close(() => resolve()));
  });
}

function onListening(url: string): void {
  // For the person who just ran `npm start`: where it is and what to do next.
  process.stdout.write(
    [
      '',
      `temporal-bridge standalone is listening on ${url}`,
      `  data       ${config.DATA_DIR} (embedded ClickHouse; survives restarts)`,
      `  API docs   ${url}/docs`,
      `  send       curl -X POST ${url}/v1/events -H 'content-type: application/json' \\`,
      `               -d '[{"event_type":"log","correlation_id":"hello-1","data":{"message":"hello"}}]'`,
      `  query      curl '${url}/v1/correlations/hello-1/events'`,
      '  demo       npm run demo   (in another terminal)',
      '',
    ].join('\n'),
  );
}

async function create(): Promise<Awaited<ReturnType<typeof createStandaloneApp>>> {
  try {
    return await createStandaloneApp(config, logger);
  } catch (error) {
    // Our pid file was free but chdb's own lock is not: another kind of
    // process holds the directory (a query service on it, an older server).
    if (error instanceof StorageUnavailableError && error.message.startsWith('Cannot open embedded ClickHouse')) {
      stop(
        `cannot open embedded ClickHouse in ${config.DATA_DIR}/clickhouse; if another process uses DATA_DIR ${config.DATA_DIR}, stop it or choose another directory: DATA_DIR=./data-2 npm start`,
        EXIT_DATA_DIR_IN_USE,
      );
    }
    throw error;
  }
}

async function main(): Promise<void> {
  let lock: DataDirLock;
  try {
    mkdirSync(config.DATA_DIR, { recursive: true });
    lock = DataDirLock.acquire(config.DATA_DIR);
  } catch (error) {
    if (error instanceof DataDirInUseError) stop(error.message, EXIT_DATA_DIR_IN_USE);
    throw error;
  }
  process.on('exit', () => lock.release());
  await checkPort();
  try {
    await runService({
      logger,
      port: config.PORT,
      host: config.HOST,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS + 5_000,
      create,
      onListening,
    });
  } catch (error) {
    const problem = portProblem((error as NodeJS.ErrnoException).code);
    if (problem !== undefined) stop(problem, EXIT_PORT_IN_USE);
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}

void main();
