import type { TemporalEvent } from '@temporal-bridge/event-schema';
import { TemporalStorage, type ClickHouseConnectionConfig } from '@temporal-bridge/temporal-storage';

/** The part of libs/testing's ClickHouseTestServer used here (specs start it: fixtures may not import libs/testing). */
export interface TestClickHouse {
  readonly target: ClickHouseConnectionConfig;
  /** For DDL on the side, e.g. DETACH DATABASE to cause an outage. */
  readonly client: { command(params: { query: string; query_params?: Record<string, unknown> }): Promise<unknown> };
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

/** A TemporalStorage on a database of its own on `server`, holding `events`. */
export interface StorageUnderTest {
  server: TestClickHouse;
  storage: TemporalStorage;
  database: string;
  stop(): Promise<void>;
}

export async function openStorageWith(server: TestClickHouse, events: TemporalEvent[]): Promise<StorageUnderTest> {
  const database = await server.createDatabase('query');
  const storage = await TemporalStorage.open({ clickhouse: server.target, database });
  if (events.length > 0) await storage.insertEvents(events);
  return {
    server,
    storage,
    database,
    async stop() {
      await storage.close();
      await server.stop();
    },
  };
}
