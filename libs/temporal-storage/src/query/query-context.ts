import type { ClickHouseGateway } from '../connection/clickhouse-gateway';

/** What every query needs: the gateway, the database and the row cap. */
export interface QueryContext {
  readonly gateway: ClickHouseGateway;
  /** The database, validated and backquoted: the one identifier interpolated into SQL. */
  readonly db: string;
  readonly maxResultRows: number;
}
