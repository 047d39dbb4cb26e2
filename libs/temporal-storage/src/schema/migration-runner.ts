import type { ClickHouseGateway } from '../connection/clickhouse-gateway';
import { MigrationError } from '../errors';
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
  ) {}

  /** Applies what is missing; returns the versions it applied in this call. */
  async run(migrations: readonly Migration[]): Promise<number[]> {
    const db = this.quotedDatabase;
    await this.gateway.command({
      sql: `CREATE DATABASE IF NOT EXISTS ${db}`,
      what: 'open: create database',
      unlimited: true,
    });
    await this.gateway.command({
      sql: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`,
      what: 'open: create schema_migrations',
      unlimited: true,
    });
    const applied = new Map((await this.applied()).map((row) => [Number(row.version), row]));
    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
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
      for (const statement of migration.statements) {
        await this.gateway.command({
          sql: renderStatement(statement, db),
          what: `migration ${migration.version} (${migration.name})`,
          unlimited: true,
        });
      }
      await this.gateway.command({
        sql: `INSERT INTO ${db}.schema_migrations (version, name, checksum, applied_at)
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
