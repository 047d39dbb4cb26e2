import { startClickHouse, type ClickHouseTestServer } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openTestStorage } from '../__fixtures__/storage-fixture';
import { InvalidArgumentError, MigrationError } from '../errors';
import { LOCAL_SUFFIX, REPLICA_PATH } from './cluster-layout';
import type { Migration } from './migration';
import { bootstrapStatements, renderMigrations } from './migration-runner';
import { MIGRATIONS } from './migrations';

/**
 * The cluster layout's DDL cannot run here (no ClickHouse cluster, no
 * Keeper on the build machines). What can be checked is checked: ClickHouse's
 * own parser reads every generated statement back (formatQuery), and the
 * structure of what it read is compared with the single-server statement it
 * came from, for every migration this build ships.
 */
const DB = '`tb_cluster`';
const CLUSTER = { kind: 'cluster', cluster: 'temporal' } as const;
let clickhouse: ClickHouseTestServer;

beforeAll(async () => {
  clickhouse = await startClickHouse();
});
afterAll(async () => {
  await clickhouse?.stop();
});

/** The statement as ClickHouse's parser reads it, formatted canonically; rejects on a syntax error. */
async function parsed(sql: string): Promise<string> {
  const result = await clickhouse.client.query({
    query: 'SELECT formatQuery({sql:String}) AS f',
    query_params: { sql },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ f: string }>();
  return row!.f;
}

/** Both layouts of a migration list, parsed back, statement by statement. */
async function layouts(migrations: readonly Migration[]) {
  const single = renderMigrations(migrations, DB, { kind: 'single' }).flatMap((m) => m.statements);
  const cluster = renderMigrations(migrations, DB, CLUSTER).flatMap((m) => m.statements);
  return {
    single: await Promise.all(single.map(parsed)),
    cluster: await Promise.all(cluster.map(parsed)),
  };
}

const TABLE = /^CREATE TABLE IF NOT EXISTS tb_cluster\.(\w+)(?: ON CLUSTER (\w+))?(?: AS (\S+))?\s*([\s\S]*)$/;
const ENGINE = /ENGINE = (\w+)\(([^)]*)\)|ENGINE = (\w+)/;

/** Splits a parsed CREATE TABLE into its name, cluster, column block, engine and the clauses after it. */
function table(sql: string) {
  const match = TABLE.exec(sql);
  if (match === null) return undefined;
  const [, name, cluster, as, tail = ''] = match;
  const engineAt = tail.indexOf('ENGINE = ');
  const engine = ENGINE.exec(tail.slice(engineAt))!;
  return {
    name: name!,
    cluster,
    as,
    columns: tail.slice(0, engineAt).trim(),
    engine: engine[1] ?? engine[3]!,
    args: (engine[2] ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
    clauses: tail.slice(engineAt + engine[0].length).trim(),
  };
}

describe('cluster layout (CLICKHOUSE_CLUSTER), generated from the shipped migrations', () => {
  it('gives every table a replicated per-shard copy with the same columns, keys and settings, and a Distributed table over it', async () => {
    const { single, cluster } = await layouts(MIGRATIONS);
    const originals = single.map(table).filter((t) => t !== undefined);
    expect(originals.map((t) => t.name)).toEqual(expect.arrayContaining(['events', 'calls', 'call_exits']));
    for (const original of originals) {
      const local = cluster.map(table).find((t) => t?.name === `${original.name}${LOCAL_SUFFIX}`);
      expect(local, original.name).toBeDefined();
      expect(local!.cluster).toBe('temporal');
      expect(local!.engine).toBe(`Replicated${original.engine}`);
      expect(local!.args).toEqual([...REPLICA_PATH.split(', '), ...original.args]);
      expect(local!.columns).toBe(original.columns);
      expect(local!.clauses).toBe(original.clauses);

      const distributed = cluster.map(table).find((t) => t?.name === original.name);
      expect(distributed!.cluster).toBe('temporal');
      expect(distributed!.as).toBe(`tb_cluster.${original.name}${LOCAL_SUFFIX}`);
      expect(distributed!.engine).toBe('Distributed');
      expect(distributed!.args.slice(0, 3)).toEqual(['temporal', "'tb_cluster'", `'${original.name}${LOCAL_SUFFIX}'`]);
    }
  });

  it('shards events by trace (by correlation without one), so a trace and its calls stay on one shard', async () => {
    const { cluster } = await layouts(MIGRATIONS);
    const key = (name: string) =>
      cluster.find((sql) => table(sql)?.name === name && table(sql)?.engine === 'Distributed');
    expect(key('events')).toMatch(
      /Distributed\(temporal, 'tb_cluster', 'events_local', cityHash64\(if\(trace_id = '', correlation_id, trace_id\)\)\)/,
    );
    expect(key('call_exits')).toMatch(/cityHash64\(correlation_id\)\)$/);
  });

  it('runs every statement ON CLUSTER and points every materialized view at local tables only', async () => {
    const { single, cluster } = await layouts(MIGRATIONS);
    for (const sql of cluster) expect(sql).toMatch(/ ON CLUSTER temporal\b/);
    const tables = single.map(table).flatMap((t) => (t === undefined ? [] : [t.name]));
    const views = cluster.filter((sql) => sql.startsWith('CREATE MATERIALIZED VIEW'));
    expect(views.length).toBe(single.filter((sql) => sql.startsWith('CREATE MATERIALIZED VIEW')).length);
    expect(views.length).toBeGreaterThanOrEqual(3);
    for (const view of views) {
      const references = [...view.matchAll(/tb_cluster\.(\w+)/g)].map((m) => m[1]!).slice(1);
      expect(references.length).toBeGreaterThanOrEqual(2);
      for (const reference of references) {
        expect(
          tables.map((t) => `${t}${LOCAL_SUFFIX}`),
          `${view.slice(0, 80)}: ${reference}`,
        ).toContain(reference);
      }
    }
    // The same view with the local names put back is the single-server view: only the tables changed.
    const restored = views.map((v) => v.replaceAll(LOCAL_SUFFIX, '').replace(' ON CLUSTER temporal', ''));
    expect(restored).toEqual(single.filter((sql) => sql.startsWith('CREATE MATERIALIZED VIEW')));
  });

  it('keeps the migration log on every server, ON CLUSTER', async () => {
    const [database, log] = await Promise.all(bootstrapStatements(DB, CLUSTER).map(parsed));
    expect(database).toBe('CREATE DATABASE IF NOT EXISTS tb_cluster ON CLUSTER temporal');
    expect(log).toMatch(
      /ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/all\/\{database\}\/\{table\}', '\{replica\}', applied_at\)/,
    );
  });

  it('handles a migration it has never seen: a new table with a view from events, a column added, a table dropped', async () => {
    const later: Migration[] = [
      {
        version: 90,
        name: 'later_nodes',
        statements: [
          `CREATE TABLE IF NOT EXISTS {db}.later_nodes
(
    ast_node_id String,
    service LowCardinality(String),
    first_seen SimpleAggregateFunction(min, Int64),
    INDEX svc service TYPE set(100) GRANULARITY 1
)
ENGINE = AggregatingMergeTree
ORDER BY (ast_node_id, service)`,
          `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.later_nodes_from_events TO {db}.later_nodes AS
SELECT ast_node_id, service, min(timestamp) AS first_seen FROM {db}.events WHERE ast_node_id != '' GROUP BY ast_node_id, service`,
        ],
      },
      {
        version: 91,
        name: 'column',
        statements: ['ALTER TABLE {db}.later_nodes ADD COLUMN IF NOT EXISTS kind String'],
      },
      {
        version: 92,
        name: 'index',
        statements: ['ALTER TABLE {db}.events ADD INDEX IF NOT EXISTS svc service TYPE set(0) GRANULARITY 1'],
      },
      { version: 93, name: 'drop', statements: ['DROP TABLE IF EXISTS {db}.later_nodes'] },
    ];
    const { cluster } = await layouts([...MIGRATIONS, ...later]);
    const tail = cluster.slice(-8);
    expect(tail[0]).toMatch(/^CREATE TABLE IF NOT EXISTS tb_cluster\.later_nodes_local ON CLUSTER temporal/);
    expect(tail[0]).toMatch(/ENGINE = ReplicatedAggregatingMergeTree\('\/clickhouse\/tables\/\{shard\}/);
    expect(tail[1]).toMatch(/Distributed\(temporal, 'tb_cluster', 'later_nodes_local', rand\(\)\)$/);
    expect(tail[2]).toMatch(/TO tb_cluster\.later_nodes_local[\s\S]*FROM tb_cluster\.events_local/);
    // A column goes to both tables; an index only to the stored one.
    expect(tail[3]).toMatch(/^ALTER TABLE tb_cluster\.later_nodes_local ON CLUSTER temporal\s+\(ADD COLUMN/);
    expect(tail[4]).toMatch(/^ALTER TABLE tb_cluster\.later_nodes ON CLUSTER temporal\s+\(ADD COLUMN/);
    expect(tail[5]).toMatch(/^ALTER TABLE tb_cluster\.events_local ON CLUSTER temporal\s+\(ADD INDEX/);
    expect(tail[6]).toBe('DROP TABLE IF EXISTS tb_cluster.later_nodes ON CLUSTER temporal SYNC');
    expect(tail[7]).toBe('DROP TABLE IF EXISTS tb_cluster.later_nodes_local ON CLUSTER temporal SYNC');
  });

  it('refuses what it cannot translate, naming the migration', () => {
    const odd = (statement: string): Migration[] => [{ version: 99, name: 'odd', statements: [statement] }];
    expect(() =>
      renderMigrations(odd('CREATE TABLE IF NOT EXISTS {db}.m (a String) ENGINE = Memory'), DB, CLUSTER),
    ).toThrow(
      /migration 99 \(odd\), statement 1: table m: only MergeTree-family engines can be replicated, got Memory/,
    );
    expect(() => renderMigrations(odd('OPTIMIZE TABLE {db}.events FINAL'), DB, CLUSTER)).toThrow(MigrationError);
  });

  it('leaves the single-server layout exactly as the migrations ship it', () => {
    const statements = renderMigrations(MIGRATIONS, DB, { kind: 'single' }).flatMap((m) => m.statements);
    expect(statements).toEqual(MIGRATIONS.flatMap((m) => m.statements.map((s) => s.replaceAll('{db}', DB))));
    expect(statements.join('\n')).not.toMatch(/ON CLUSTER|Replicated|Distributed/);
  });
});

describe('TemporalStorage.open with a cluster', () => {
  it('rejects a cluster name that is not an identifier', async () => {
    await expect(openTestStorage(clickhouse, { cluster: 'a-b; DROP' })).rejects.toThrow(InvalidArgumentError);
  });

  it('on a server without that cluster, fails at the first ON CLUSTER statement and says which cluster', async () => {
    await expect(openTestStorage(clickhouse, { cluster: 'no_such_cluster' })).rejects.toThrow(/no_such_cluster/);
  });
});
