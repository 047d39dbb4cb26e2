import { Controller, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiOperation } from '@nestjs/swagger';
import { createLogger, HealthModule, MetricsModule } from '@temporal-bridge/service-kit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { StandInStorage } from '../__fixtures__/stand-in-storage';
import {
  ApiErrorResponses,
  BRIDGE_STATS_SOURCE,
  configureQueryApp,
  createApiFastifyApp,
  DEFAULT_QUERY_LIMITS,
  QueryApiModule,
  TEMPORAL_STORAGE,
} from '../index';

// How standalone reuses the API: its own module imports QueryApiModule with
// its storage and bridge, adds /v1 routes of its own, and gets the same
// errors, keys and documentation for them.

@Controller('v1')
class FlushController {
  flushed = 0;

  @Post('flush')
  @ApiOperation({ summary: 'Flush the bridge buffer now' })
  @ApiErrorResponses()
  flush(): { flushed: number } {
    this.flushed += 1;
    return { flushed: this.flushed };
  }
}

const bridge = { getBridgeStats: async () => ({ buffered: 3, flushed_total: 10n }) };

@Module({
  imports: [
    MetricsModule.forRoot({ prefix: 'tb_standalone_' }),
    HealthModule.forRoot(),
    QueryApiModule.forRoot({
      apiKeys: ['k'],
      queryTimeoutMs: 1000,
      limits: DEFAULT_QUERY_LIMITS,
      providers: [
        { provide: TEMPORAL_STORAGE, useValue: new StandInStorage() },
        { provide: BRIDGE_STATS_SOURCE, useValue: bridge },
      ],
    }),
  ],
  controllers: [FlushController],
})
class StandaloneLikeModule {}

let app: NestFastifyApplication;
let base: string;

beforeAll(async () => {
  app = await createApiFastifyApp(StandaloneLikeModule, { logger: createLogger('reuse-test', 'silent') });
  configureQueryApp(app, { corsOrigins: [] });
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
});

afterAll(async () => {
  await app?.close();
});

async function call(method: 'GET' | 'POST', path: string, key?: string): Promise<[number, unknown]> {
  const response = await request(`${base}${path}`, {
    method,
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
  return [response.statusCode, await response.body.json()];
}

describe('QueryApiModule inside another application', () => {
  it('answers /v1/stats with the bridge stats source it was given', async () => {
    expect(await call('GET', '/v1/stats', 'k')).toEqual([
      200,
      {
        bridge: { buffered: 3, flushed_total: '10' },
        storage: {
          total_events: 0,
          oldest_timestamp: null,
          newest_timestamp: null,
          bytes_on_disk: 0,
          bytes_uncompressed: 0,
        },
      },
    ]);
  });

  it("guards the application's own /v1 routes with the same keys and errors", async () => {
    expect(await call('POST', '/v1/flush')).toEqual([
      401,
      { error: 'unauthorized', message: 'missing header Authorization: Bearer <API key>' },
    ]);
    expect(await call('POST', '/v1/flush', 'k')).toEqual([201, { flushed: 1 }]);
    expect(await call('GET', '/v1/flush', 'k')).toEqual([
      405,
      { error: 'method_not_allowed', message: 'GET is not allowed on /v1/flush; use POST' },
    ]);
  });

  it("documents the application's own routes next to the API's", async () => {
    const [, doc] = await call('GET', '/openapi.json');
    const paths = (doc as { paths: Record<string, Record<string, unknown>> }).paths;
    expect(paths['/v1/flush']?.['post']).toMatchObject({ summary: 'Flush the bridge buffer now' });
    expect(paths['/v1/events']?.['get']).toBeDefined();
  });
});
