import 'reflect-metadata';

import { createLogger, loadOrExit, runService } from '@temporal-bridge/service-kit';

import { createBridgeApp } from './app/create-bridge-app';
import { loadBridgeConfig } from './config/bridge.config';

const logger = createLogger('bridge');
const config = loadOrExit(() => loadBridgeConfig(), logger);

void runService({
  logger,
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS + 5_000,
  create: () => createBridgeApp(config, logger),
});
