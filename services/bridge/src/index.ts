export { BridgeAppModule, bridgeOptions, storageOptions } from './app/bridge-app.module';
export { createBridgeApp } from './app/create-bridge-app';
export { bridgeEnvSchema, loadBridgeConfig } from './config/bridge.config';
export type { BridgeConfig } from './config/bridge.config';
export { DLQ_HEADERS } from './ingest/dead-letter.producer';
