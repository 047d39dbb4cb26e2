import 'reflect-metadata';

import { createLogger, loadOrExit, runService } from '@temporal-bridge/service-kit';

import { createStandaloneApp } from './app/create-standalone-app';
import { exposureWarning, loadStandaloneConfig } from './config/standalone.config';

const config = loadOrExit(() => loadStandaloneConfig(), createLogger('standalone'));
const logger = createLogger('standalone', config.LOG_LEVEL);
const exposure = exposureWarning(config);
if (exposure !== undefined) logger.warn(exposure);

void runService({
  logger,
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS + 5_000,
  create: () => createStandaloneApp(config, logger),
  onListening: (url) => {
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
  },
});
