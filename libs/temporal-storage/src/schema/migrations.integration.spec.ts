import { startClickHouse, type ClickHouseTestServer } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openTestStorage } from '../__fixtures__/storage-fixture';
import { InvalidArgumentError, MigrationError } from '../errors';
import { TemporalStorage } from '../temporal-storage';
import { migrationChecksum } from './migration';
import { MIGRATIONS } from './migrations';
import { TTL_COLUMNS } from './retention';

describe('migrations and retention', () => {
  let clickhouse: ClickHouseTestServer;

  beforeAll(async () => {
    clickhouse = await startClickHouse();
  });
  afterAll(async () => {
    await clickhouse?.stop();
  });

  async function rows<T>(query: string, database: string): Promise<T[]> {
    const result = await clickhouse.client.query({ query, query_params: { db: database }, format: 'JSONEachRow' });
    return result.json<T>();
  }

  async function ttls(database: string): Promise<Record<string, string>> {
    const tables = await rows<{ name: string; engine_full: string }>(
      'SELECT name, engine_full FROM system.tables WHERE database = {db:String}',
      database,
    );
    return Object.fromEntries(
      tables
        .filter((t) => TTL_COLUMNS.some(([table]) => table === t.name))
        .map((t) => [t.name, /TTL (.*?) SETTINGS/.exec(t.engine_full)?.[1] ?? 'none']),
    );
  }

  it('records each migration once with version, name, checksum and time, and is idempotent', async () => {
    const database = await clickhouse.createDatabase('migrations');
    const first = await openTestStorage(clickhouse, { database });
    await first.close();
    const second = await openTestStorage(clickhouse, { database });
    await second.close();
    const recorded = await rows<{ version: number; name: string; checksum: string; applied_at: string }>(
      'SELECT version, name, checksum, applied_at FROM {db:Identifier}.schema_migrations ORDER BY version',
      database,
    );
    expect(recorded.map(({ version, name, checksum }) => ({ version, name, checksum }))).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name, checksum: migrationChecksum(m) })),
    );
    expect(recorded.every((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(r.applied_at))).toBe(true);
    const tables = await rows<{ name: string }>(
      'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
      database,
    );
    expect(tables.map((t) => t.name)).toEqual([
      'ast_nodes',
      'ast_nodes_from_events',
      'bridge_reports',
      'call_errors',
      'call_errors_from_events',
      'call_exits',
      'call_exits_from_events',
      'calls',
      'calls_from_events',
      'events',
      'schema_migrations',
      'state_buckets',
      'state_buckets_from_events',
    ]);
  });

  it('survives several opens of a fresh database at once', async () => {
    const database = await clickhouse.createDatabase('concurrent');
    const storages = await Promise.all([1, 2, 3].map(() => openTestStorage(clickhouse, { database })));
    await Promise.all(storages.map((s) => s.close()));
    const versions = await rows<{ version: number }>(
      'SELECT version FROM {db:Identifier}.schema_migrations FINAL ORDER BY version',
      database,
    );
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('creates the database when it is missing', async () => {
    const database = `missing_${Date.now().toString(36)}`;
    const storage = await TemporalStorage.open({ clickhouse: clickhouse.target, database, retentionDays: 0 });
    expect(storage.database).toBe(database);
    await storage.close();
    expect(await rows('SELECT name FROM system.databases WHERE name = {db:String}', database)).toHaveLength(1);
    await clickhouse.client.command({ query: `DROP DATABASE ${database}` });
  });

  it('refuses a database whose recorded migration differs from this build', async () => {
    const database = await clickhouse.createDatabase('tampered');
    await (await openTestStorage(clickhouse, { database })).close();
    await clickhouse.client.command({
      // An update in place, not a second row: a background merge of the
      // ReplacingMergeTree would drop an older row before the open reads it.
      query: `ALTER TABLE {db:Identifier}.schema_migrations UPDATE checksum = 'edited' WHERE version = 1 SETTINGS mutations_sync = 2`,
      query_params: { db: database },
    });
    await expect(openTestStorage(clickhouse, { database })).rejects.toBeInstanceOf(MigrationError);
  });

  it('sets the retention TTL on every table, and changes it at the next open', async () => {
    const database = await clickhouse.createDatabase('retention');
    await (await TemporalStorage.open({ clickhouse: clickhouse.target, database })).close();
    const expected = (days: number) =>
      Object.fromEntries(
        TTL_COLUMNS.map(([table, column]) => [
          table,
          `fromUnixTimestamp64Nano(${column}, 'UTC') + toIntervalDay(${days})`,
        ]),
      );
    expect(await ttls(database)).toEqual(expected(30));
    await (await openTestStorage(clickhouse, { database, retentionDays: 7 })).close();
    expect(await ttls(database)).toEqual(expected(7));
    await (await openTestStorage(clickhouse, { database, retentionDays: 0 })).close();
    expect(await ttls(database)).toEqual(Object.fromEntries(TTL_COLUMNS.map(([table]) => [table, 'none'])));
  });

  it('rejects a database name that is not an identifier, and bad settings', async () => {
    await expect(
      TemporalStorage.open({ clickhouse: clickhouse.target, database: 'x`; DROP DATABASE default; --' }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(TemporalStorage.open({ clickhouse: clickhouse.target, retentionDays: -1 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(TemporalStorage.open({ clickhouse: clickhouse.target, maxResultRows: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
