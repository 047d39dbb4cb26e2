import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@temporal-bridge/service-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { StandInStorage } from '../__fixtures__/stand-in-storage';
import { DEFAULT_QUERY_LIMITS } from '../api/query-api.options';
import { configureQueryApp } from '../app/configure-api-app';
import { createApiFastifyApp } from '../app/create-api-app';
import { QueryServiceModule } from '../app/query-service.module';
import { serveCinemaUi } from './serve-cinema-ui';

// How the UI's files are served next to the API (the real build is served
// in standalone's Chromium end-to-end test): a stand-in build directory.

let dir: string;
let app: NestFastifyApplication | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cinema-ui-dist-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
  await writeFile(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
});

afterEach(async () => {
  await app?.close();
  app = undefined;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function start(uiDir: string | null): Promise<NestFastifyApplication> {
  app = await createApiFastifyApp(
    QueryServiceModule.forRoot({
      storage: new StandInStorage(),
      api: { apiKeys: ['k'], queryTimeoutMs: 1000, limits: DEFAULT_QUERY_LIMITS, metricsPrefix: 'ui_test_' },
      closeStorageOnShutdown: false,
    }),
    { logger: createLogger('ui-test', 'silent') },
  );
  configureQueryApp(app, { corsOrigins: [] });
  await serveCinemaUi(app, uiDir);
  await app.init();
  return app;
}

describe('serveCinemaUi', () => {
  it('serves index.html at / (no cache) and hashed assets (cached), without an API key', async () => {
    const server = (await start(dir)).getHttpAdapter().getInstance();
    const index = await server.inject({ method: 'GET', url: '/?trace=T&at=5' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toContain('<div id="app">');
    const asset = await server.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // A file added by a rebuild while the server runs is served too.
    await writeFile(join(dir, 'assets', 'index-new.js'), 'console.log(2)');
    expect((await server.inject({ method: 'GET', url: '/assets/index-new.js' })).statusCode).toBe(200);
  });

  it('keeps JSON 404s for unknown paths and missing assets, and the API under /v1', async () => {
    const server = (await start(dir)).getHttpAdapter().getInstance();
    for (const url of ['/nope', '/assets/missing.js', '/index.htm']) {
      const answer = await server.inject({ method: 'GET', url });
      expect(answer.statusCode, url).toBe(404);
      expect(answer.json(), url).toMatchObject({ error: 'not_found' });
    }
    const api = await server.inject({ method: 'GET', url: '/v1/stats' });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('says how to build the UI when there is no build', async () => {
    const server = (await start(null)).getHttpAdapter().getInstance();
    const answer = await server.inject({ method: 'GET', url: '/' });
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toEqual({ error: 'not_found', message: expect.stringContaining('npm run build') as string });
  });
});
