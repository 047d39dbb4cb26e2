import 'reflect-metadata';

import { ConfigError, createLogger, loadConfig, runService } from '@temporal-bridge/service-kit';
import { TemporalStorage } from '@temporal-bridge/temporal-storage';

import { createQueryApp } from './app/create-query-app';
import {
  queryApiOptionsFromConfig,
  queryServiceConfigSchema,
  storageOptionsFromConfig,
  type QueryServiceConfig,
} from './config/query-config.schema';

/** `npm run start:query`: environment -> storage -> HTTP API, until SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('query', config.LOG_LEVEL);
  await runService({
    logger,
    port: config.PORT,
    host: config.HOST,
    create: async () => {
      const storage = await TemporalStorage.open(storageOptionsFromConfig(config));
      return createQueryApp({
        logger,
        storage,
        api: queryApiOptionsFromConfig(config),
        corsOrigins: config.CORS_ORIGINS,
        closeStorageOnShutdown: true,
      });
    },
  });
}

/** A bad environment stops the process before anything starts, naming each variable (exit 78, EX_CONFIG). */
function loadConfigOrExit(): QueryServiceConfig {
  try {
    return loadConfig(queryServiceConfigSchema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    createLogger('query', 'info').fatal({ problems: error.problems }, error.message);
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `query service failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
