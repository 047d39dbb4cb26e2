import type { ClickHouseGateway } from '../connection/clickhouse-gateway';
import { MigrationError } from '../errors';
import { ClusterSchemaTranslator, EVERYWHERE_PATH, type SchemaLayout } from './cluster-layout';
import { migrationChecksum, renderStatement, type Migration } from './migration';

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings a database to the latest schema and records what it applied in
 * `schema_migrations` (version, name, checksum, applied_at).
 *
 * Safe when several processes start at once: every statement is idempotent,
 * so two runners applying the same migration both succeed, and the table is
 * a ReplacingMergeTree on version, so a double record collapses. A recorded
 * migration whose checksum differs from the shipped one stops the open: the
 * schema was changed under us.
 */
export class MigrationRunner {
  constructor(
    private readonly gateway: ClickHouseGateway,
    private readonly quotedDatabase: string,
    private readonly layout: SchemaLayout = { kind: 'single' },
  ) {}

  /** Applies what is missing; returns the versions it applied in this call. */
  async run(migrations: readonly Migration[]): Promise<number[]> {
    for (const [index, sql] of bootstrapStatements(this.quotedDatabase, this.layout).entries()) {
      await this.gateway.command({
        sql,
        what: index === 0 ? 'open: create database' : 'open: create schema_migrations',
        unlimited: true,
      });
    }
    const applied = new Map((await this.applied()).map((row) => [Number(row.version), row]));
    const done: number[] = [];
    // Every migration is rendered, applied or not: the cluster layout learns the tables of earlier ones.
    for (const { migration, statements } of renderMigrations(migrations, this.quotedDatabase, this.layout)) {
      const checksum = migrationChecksum(migration);
      const recorded = applied.get(migration.version);
      if (recorded !== undefined) {
        if (recorded.checksum !== checksum) {
          throw new MigrationError(
            `migration ${migration.version} (${migration.name}) was applied with checksum ${recorded.checksum}, ` +
              `this build ships ${checksum}: the database schema differs from this build's`,
          );
        }
        continue;
      }
      for (const sql of statements) {
        await this.gateway.command({
          sql,
          what: `migration ${migration.version} (${migration.name})`,
          unlimited: true,
        });
      }
      await this.gateway.command({
        sql: `INSERT INTO ${this.quotedDatabase}.schema_migrations (version, name, checksum, applied_at)
VALUES ({version:UInt32}, {name:String}, {checksum:String}, now64(3))`,
        params: { version: migration.version, name: migration.name, checksum },
        what: `migration ${migration.version}: record`,
        unlimited: true,
      });
      done.push(migration.version);
    }
    return done;
  }

  /** The recorded migrations, one per version (the first record wins). */
  async applied(): Promise<AppliedRow[]> {
    return this.gateway.select<AppliedRow>({
      sql: `SELECT version, argMin(name, applied_at) AS name, argMin(checksum, applied_at) AS checksum
FROM ${this.quotedDatabase}.schema_migrations
GROUP BY version
ORDER BY version`,
      what: 'open: read schema_migrations',
      unlimited: true,
    });
  }
}

/**
 * The database and the migration log. On a cluster both are created ON
 * CLUSTER, and the log is replicated to every server (whatever its shard),
 * so a process connected to any server sees what was applied.
 */
export function bootstrapStatements(quotedDatabase: string, layout: SchemaLayout): string[] {
  const cluster = layout.kind === 'cluster' ? ` ON CLUSTER \`${layout.cluster}\`` : '';
  const engine =
    layout.kind === 'cluster'
      ? `ReplicatedReplacingMergeTree(${EVERYWHERE_PATH}, applied_at)`
      : 'ReplacingMergeTree(applied_at)';
  return [
    `CREATE DATABASE IF NOT EXISTS ${quotedDatabase}${cluster}`,
    `CREATE TABLE IF NOT EXISTS ${quotedDatabase}.schema_migrations${cluster}
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC')
)
ENGINE = ${engine}
ORDER BY version`,
  ];
}

/**
 * Each migration, in version order, with the SQL it runs in this layout:
 * its statements as shipped on a single server, translated statement by
 * statement for a cluster (ClusterSchemaTranslator).
 */
export function renderMigrations(
  migrations: readonly Migration[],
  quotedDatabase: string,
  layout: SchemaLayout,
): Array<{ migration: Migration; statements: string[] }> {
  const translator =
    layout.kind === 'cluster' ? new ClusterSchemaTranslator(layout.cluster, quotedDatabase.slice(1, -1)) : undefined;
  return [...migrations]
    .sort((a, b) => a.version - b.version)
    .map((migration) => ({
      migration,
      statements: migration.statements.flatMap((statement, index) => {
        const sql = renderStatement(statement, quotedDatabase);
        return translator === undefined
          ? [sql]
          : translator.translate(sql, `migration ${migration.version} (${migration.name}), statement ${index + 1}`);
      }),
    }));
}
