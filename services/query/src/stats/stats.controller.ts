import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

import { BRIDGE_STATS_SOURCE } from '../api/query-api.tokens';
import { serializeStorageStats, toJsonSafe } from '../api/response-serializers';
import { noQuery } from '../events/events.schema';
import { ApiErrorResponses, ApiJsonOk } from '../openapi/api-responses.decorator';
import { statsSchema } from '../openapi/response.schemas';
import { StorageQueries } from '../storage/storage-queries';
import { ValidQuery } from '../validation/valid-params.decorator';
import { StoredBridgeReports, type BridgeStatsSource } from './bridge-stats.source';

/** How the system is doing: the bridge's counters and what storage holds. */
@ApiTags('stats')
@ApiBearerAuth()
@Controller('v1/stats')
export class StatsController {
  private readonly bridge: BridgeStatsSource;

  constructor(
    @Inject(StorageQueries) private readonly queries: StorageQueries,
    @Inject(StoredBridgeReports) stored: StoredBridgeReports,
    @Optional() @Inject(BRIDGE_STATS_SOURCE) custom?: BridgeStatsSource,
  ) {
    this.bridge = custom ?? stored;
  }

  @Get()
  @ApiOperation({
    summary: 'Bridge and storage statistics',
    description:
      'bridge: the latest report of each bridge replica (query service) or the in-process bridge (standalone); storage: event count, time span and size on disk.',
  })
  @ApiJsonOk(statsSchema, 'Bridge and storage statistics.')
  @ApiErrorResponses()
  async stats(@ValidQuery(noQuery) _query: object) {
    const [bridge, storage] = await Promise.all([
      this.bridge.getBridgeStats(),
      this.queries.run('getStats', undefined, (s) => s.getStats()),
    ]);
    return { bridge: toJsonSafe(bridge), storage: serializeStorageStats(storage) };
  }
}
