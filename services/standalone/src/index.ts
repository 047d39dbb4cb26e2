export { createStandaloneApp } from './app/create-standalone-app';
export { StandaloneModule } from './app/standalone.module';
export { loadStandaloneConfig, standaloneConfigSchema } from './config/standalone.config';
export type { StandaloneConfig } from './config/standalone.config';
