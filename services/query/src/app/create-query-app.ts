import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';

import type { QueryApiOptions } from '../api/query-api.options';
import { serveCinemaUi } from '../ui/serve-cinema-ui';
import { configureQueryApp } from './configure-api-app';
import { createApiFastifyApp } from './create-api-app';
import { QueryServiceModule, type ClosableQueryStorage } from './query-service.module';

/** The query service's metric names start with this (process metrics included). */
export const QUERY_METRICS_PREFIX = 'tb_query_';

export interface QueryAppOptions {
  logger: Logger;
  storage: ClosableQueryStorage;
  api: Omit<QueryApiOptions, 'metricsPrefix'>;
  corsOrigins: readonly string[];
  /** Close `storage` when the application closes. */
  closeStorageOnShutdown: boolean;
}

/**
 * The query service's application, ready to `listen`: what main.ts runs, and
 * what the integration tests start in-process.
 */
export async function createQueryApp(options: QueryAppOptions): Promise<NestFastifyApplication> {
  const app = await createApiFastifyApp(
    QueryServiceModule.forRoot({
      storage: options.storage,
      api: { ...options.api, metricsPrefix: QUERY_METRICS_PREFIX },
      closeStorageOnShutdown: options.closeStorageOnShutdown,
    }),
    { logger: options.logger },
  );
  configureQueryApp(app, { corsOrigins: options.corsOrigins });
  await serveCinemaUi(app);
  return app;
}
