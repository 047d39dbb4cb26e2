import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A name no other test (in this process or another) will pick: safe as a Kafka
 * topic, a ClickHouse database or a Redis key prefix (`[a-z0-9_]`).
 */
export function uniqueName(prefix = 't'): string {
  counter += 1;
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${clean}_${process.pid.toString(36)}_${counter.toString(36)}_${randomBytes(3).toString('hex')}`;
}
