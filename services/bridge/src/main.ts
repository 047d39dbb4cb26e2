import 'reflect-metadata';

import { applyHeapGrowth, createLogger, loadOrExit, runService } from '@temporal-bridge/service-kit';

import { createBridgeApp } from './app/create-bridge-app';
import { loadBridgeConfig } from './config/bridge.config';

const logger = createLogger('bridge');
const config = loadOrExit(() => loadBridgeConfig(), logger);
// Before the consumer allocates: bounds the heap by what is live, not by the ingest rate.
applyHeapGrowth(config.V8_HEAP_GROWING_PERCENT);

void runService({
  logger,
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS + 5_000,
  create: () => createBridgeApp(config, logger),
});
