import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { HealthModule, MetricsModule } from '@temporal-bridge/service-kit';

import { QueryApiModule } from '../api/query-api.module';
import type { QueryApiOptions } from '../api/query-api.options';
import { TEMPORAL_STORAGE } from '../api/query-api.tokens';
import type { QueryStorage } from '../api/query-storage';

const STORAGE_OWNERSHIP = Symbol('STORAGE_OWNERSHIP');

/** A storage the application may close when it shuts down. */
export type ClosableQueryStorage = QueryStorage & { close(): Promise<void> };

interface StorageOwnership {
  storage: ClosableQueryStorage;
  close: boolean;
}

/** Closes the storage after the HTTP server stopped taking requests, when the app owns it. */
@Injectable()
class StorageCloser implements OnApplicationShutdown {
  constructor(@Inject(STORAGE_OWNERSHIP) private readonly ownership: StorageOwnership) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.ownership.close) await this.ownership.storage.close();
  }
}

/** The query service: the API over a given storage, with /healthz, /readyz and /metrics. */
@Module({})
export class QueryServiceModule {
  static forRoot(options: {
    storage: ClosableQueryStorage;
    api: QueryApiOptions;
    /** Close the storage when the application closes (the service's main: yes; a test sharing it: no). */
    closeStorageOnShutdown: boolean;
  }): DynamicModule {
    return {
      module: QueryServiceModule,
      imports: [
        MetricsModule.forRoot({ prefix: 'tb_query_' }),
        HealthModule.forRoot(),
        QueryApiModule.forRoot({
          ...options.api,
          providers: [{ provide: TEMPORAL_STORAGE, useValue: options.storage }],
        }),
      ],
      providers: [
        { provide: STORAGE_OWNERSHIP, useValue: { storage: options.storage, close: options.closeStorageOnShutdown } },
        StorageCloser,
      ],
    };
  }
}
