import type { Logger } from 'pino';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createFastifyApp } from '@temporal-bridge/service-kit';

import type { BridgeConfig } from '../config/bridge.config';
import { BridgeAppModule } from './bridge-app.module';

/** The bridge service as a Nest application (not yet listening). */
export function createBridgeApp(config: BridgeConfig, logger: Logger): Promise<NestFastifyApplication> {
  return createFastifyApp(BridgeAppModule.forRoot(config, logger) as never, { logger });
}
