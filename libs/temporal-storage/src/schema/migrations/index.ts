import type { Migration } from '../migration';
import { eventsMigration } from './0001-events.migration';
import { callsMigration } from './0002-calls.migration';
import { stateBucketsMigration } from './0003-state-buckets.migration';
import { bridgeReportsMigration } from './0004-bridge-reports.migration';
import { astNodesAndCallErrorsMigration } from './0005-ast-nodes-and-call-errors.migration';

/** Every migration this build ships, in order. Append; never edit one that was released. */
export const MIGRATIONS: readonly Migration[] = [
  eventsMigration,
  callsMigration,
  stateBucketsMigration,
  bridgeReportsMigration,
  astNodesAndCallErrorsMigration,
];
