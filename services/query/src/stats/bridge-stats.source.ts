import { Inject, Injectable } from '@nestjs/common';

import { toJsonSafe } from '../api/response-serializers';
import { StorageQueries } from '../storage/storage-queries';

/**
 * Where the `bridge` part of GET /v1/stats comes from. Provide one under
 * BRIDGE_STATS_SOURCE to replace the default (standalone: its own bridge).
 */
export interface BridgeStatsSource {
  /** Any JSON-serializable value; bigints are turned into decimal strings. */
  getBridgeStats(): Promise<unknown>;
}

/**
 * The query service's default: the latest report of each bridge replica,
 * as the replicas store them, `{instances: [{instance, reported_at, stats}]}`.
 */
@Injectable()
export class StoredBridgeReports implements BridgeStatsSource {
  constructor(@Inject(StorageQueries) private readonly queries: StorageQueries) {}

  async getBridgeStats(): Promise<{ instances: Array<{ instance: string; reported_at: string; stats: unknown }> }> {
    const reports = await this.queries.run('listBridgeReports', undefined, (storage) => storage.listBridgeReports());
    return {
      instances: reports.map((report) => ({
        instance: report.instance,
        reported_at: report.reported_at.toString(),
        stats: toJsonSafe(report.stats),
      })),
    };
  }
}
