import { MigrationError } from '../errors';

/**
 * Where the tables live: one server (the default, and embedded chdb), or a
 * ClickHouse cluster named in the server's `remote_servers`.
 */
export type SchemaLayout = { kind: 'single' } | { kind: 'cluster'; cluster: string };

/** Suffix of the per-shard tables under a Distributed table of the plain name. */
export const LOCAL_SUFFIX = '_local';

/**
 * The Keeper path of a replicated per-shard table. `{shard}` and `{replica}`
 * are the server's macros; `{database}` and `{table}` ClickHouse fills in
 * itself, so two databases on one cluster never share a path.
 */
export const REPLICA_PATH = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

/**
 * The path of a table replicated on every server of the cluster (one copy
 * per server, whatever its shard): the migration log. `{replica}` must then
 * be unique across the cluster, not only within a shard.
 */
export const EVERYWHERE_PATH = "'/clickhouse/tables/all/{database}/{table}', '{replica}'";

const MERGE_TREE = /^(Replacing|Aggregating|Summing|Collapsing|VersionedCollapsing|Graphite)?MergeTree$/;
const CREATE_TABLE = /^CREATE TABLE IF NOT EXISTS (\S+)\.(\w+)\s*\(/;
const CREATE_VIEW = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\S+)\.(\w+) TO (\S+)\.(\w+) AS\b/;
const ALTER_TABLE = /^ALTER TABLE (\S+)\.(\w+) (.*)$/s;
const DROP = /^DROP (TABLE|VIEW) IF EXISTS (\S+)\.(\w+)$/;
/** ALTER commands a Distributed table must follow (its columns); the rest concern the stored data only. */
const COLUMN_COMMAND = /^(ADD|DROP|MODIFY|RENAME|COMMENT) COLUMN\b/i;

/**
 * Translates the single-server migrations into the cluster layout,
 * statement by statement, without knowing any table in advance, so a new
 * migration needs no change here:
 *
 * - `CREATE TABLE t (...) ENGINE = XMergeTree(args) ...` becomes
 *   `t_local ON CLUSTER` with `ReplicatedXMergeTree(path, replica, args)`
 *   (same columns, indexes, projections, keys, TTL and settings), plus
 *   `t ON CLUSTER AS t_local ENGINE = Distributed(cluster, db, t_local, key)`:
 *   queries and inserts keep using `t`.
 * - The sharding key keeps a trace on one shard: the trace id, or the
 *   correlation id for events without one (see shardingKey). So a trace's
 *   events, the calls and state the views derive from them, and the
 *   bridge's pairing of entry and exit all stay on one shard.
 * - `CREATE MATERIALIZED VIEW v TO t AS SELECT ... FROM s` becomes
 *   `v ON CLUSTER TO t_local ... FROM s_local`: a view fires on the shard
 *   that received the rows, and writes next to them.
 * - `ALTER TABLE t` goes to `t_local ON CLUSTER`, and column changes to the
 *   Distributed `t` too; `DROP` drops both.
 *
 * Any other statement (or a non-MergeTree engine) throws MigrationError
 * naming it: better a failed test than a cluster half migrated.
 */
export class ClusterSchemaTranslator {
  /** Tables created so far (plain names): later statements refer to their local tables. */
  private readonly tables = new Set<string>();

  constructor(
    private readonly cluster: string,
    private readonly databaseName: string,
  ) {}

  /** The ON CLUSTER clause. */
  get onCluster(): string {
    return `ON CLUSTER \`${this.cluster}\``;
  }

  /** The statements one rendered single-server statement becomes. */
  translate(statement: string, where: string): string[] {
    const sql = statement.trim();
    const table = CREATE_TABLE.exec(sql);
    if (table !== null) return this.createTable(sql, table[1]!, table[2]!, where);
    const view = CREATE_VIEW.exec(sql);
    if (view !== null) return [this.createView(sql, view, where)];
    const alter = ALTER_TABLE.exec(sql);
    if (alter !== null) return this.alter(alter[1]!, alter[2]!, alter[3]!);
    const drop = DROP.exec(sql);
    if (drop !== null) return this.drop(drop[1]!, drop[2]!, drop[3]!);
    throw new MigrationError(
      `${where}: the cluster layout (CLICKHOUSE_CLUSTER=${this.cluster}) cannot translate this statement: ${sql.slice(0, 120)}`,
    );
  }

  private createTable(sql: string, db: string, name: string, where: string): string[] {
    const close = matchingParen(sql, sql.indexOf('(', `CREATE TABLE IF NOT EXISTS ${db}.${name}`.length));
    const body = sql.slice(sql.indexOf('('), close + 1);
    const engine = /^\s*ENGINE = (\w+)(\(([^()]*)\))?/.exec(sql.slice(close + 1));
    if (engine === null || !MERGE_TREE.test(engine[1]!)) {
      throw new MigrationError(
        `${where}: table ${name}: only MergeTree-family engines can be replicated, got ${engine?.[1] ?? 'none'}`,
      );
    }
    const args = engine[3]?.trim() ?? '';
    const rest = sql.slice(close + 1 + engine[0].length);
    this.tables.add(name);
    const local = `${db}.${name}${LOCAL_SUFFIX}`;
    return [
      `CREATE TABLE IF NOT EXISTS ${local} ${this.onCluster}\n${body}\n` +
        `ENGINE = Replicated${engine[1]!}(${REPLICA_PATH}${args === '' ? '' : `, ${args}`})${rest}`,
      `CREATE TABLE IF NOT EXISTS ${db}.${name} ${this.onCluster} AS ${local}\n` +
        `ENGINE = Distributed(\`${this.cluster}\`, '${this.databaseName}', '${name}${LOCAL_SUFFIX}', ${shardingKey(columnNames(body))})`,
    ];
  }

  private createView(sql: string, view: RegExpExecArray, where: string): string {
    const [head, db, name, targetDb, target] = view as unknown as [string, string, string, string, string];
    if (!this.tables.has(target)) {
      throw new MigrationError(`${where}: view ${name} writes to ${target}, which no migration created`);
    }
    // Every reference to one of our tables, in this database, becomes its local table.
    const reference = new RegExp(`${escapeRegExp(db)}\\.(\\w+)\\b`, 'g');
    const select = sql
      .slice(head.length)
      .replace(reference, (ref, refName: string) =>
        this.tables.has(refName) ? `${db}.${refName}${LOCAL_SUFFIX}` : ref,
      );
    return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${name} ${this.onCluster} TO ${targetDb}.${target}${LOCAL_SUFFIX} AS${select}`;
  }

  private alter(db: string, name: string, command: string): string[] {
    if (!this.tables.has(name)) return [`ALTER TABLE ${db}.${name} ${this.onCluster} ${command}`];
    const local = `ALTER TABLE ${db}.${name}${LOCAL_SUFFIX} ${this.onCluster} ${command}`;
    return COLUMN_COMMAND.test(command) ? [local, `ALTER TABLE ${db}.${name} ${this.onCluster} ${command}`] : [local];
  }

  private drop(kind: string, db: string, name: string): string[] {
    const drop = (table: string) => `DROP ${kind} IF EXISTS ${db}.${table} ${this.onCluster} SYNC`;
    if (kind === 'VIEW' || !this.tables.has(name)) return [drop(name)];
    this.tables.delete(name);
    return [drop(name), drop(`${name}${LOCAL_SUFFIX}`)];
  }
}

/**
 * How rows are spread over shards, from the columns a table has. Events
 * carry a trace id (filled by the bridge from the parent chain) and always
 * a correlation id: hashing the trace id, or the correlation id when there
 * is no trace, puts a whole trace on one shard, so "events of a trace",
 * execution paths and call pairing never cross shards. A table with neither
 * (derived per-key aggregates, bridge reports) is only written by views or
 * read whole, so any spread will do.
 */
export function shardingKey(columns: readonly string[]): string {
  const has = (name: string) => columns.includes(name);
  if (has('trace_id') && has('correlation_id')) return "cityHash64(if(trace_id = '', correlation_id, trace_id))";
  if (has('correlation_id')) return 'cityHash64(correlation_id)';
  return 'rand()';
}

/** The column names of a `(...)` table body (not its INDEX, PROJECTION or CONSTRAINT lines). */
export function columnNames(body: string): string[] {
  const inner = body.slice(1, -1);
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts
    .map((part) => /^\s*`?(\w+)`?/.exec(part)?.[1])
    .filter((name): name is string => name !== undefined && !/^(INDEX|PROJECTION|CONSTRAINT)$/i.test(name));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matchingParen(sql: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  throw new MigrationError(`unbalanced parentheses in: ${sql.slice(0, 120)}`);
}
