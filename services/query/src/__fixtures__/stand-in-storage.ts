import type { ClosableQueryStorage } from '../app/query-service.module';

/**
 * A storage whose answers a test decides, recording every call: for what a
 * real ClickHouse cannot be made to do on demand (time out, hang until the
 * client leaves) and for checking what the API passes down.
 */
export class StandInStorage implements ClosableQueryStorage {
  readonly calls: Array<{ primitive: string; args: unknown[] }> = [];
  /** Replaces a primitive's behaviour; by default each answers empty. */
  readonly behaviour: Partial<Record<keyof ClosableQueryStorage, (...args: unknown[]) => Promise<unknown>>> = {};

  private async answer<T>(primitive: keyof ClosableQueryStorage, args: unknown[], fallback: T): Promise<T> {
    this.calls.push({ primitive, args });
    const replaced = this.behaviour[primitive];
    return replaced === undefined ? fallback : ((await replaced(...args)) as T);
  }

  getEventsInRange(...args: unknown[]) {
    return this.answer('getEventsInRange', args, { events: [], next_cursor: null });
  }
  getEventsForAstNode(...args: unknown[]) {
    return this.answer('getEventsForAstNode', args, { events: [], next_cursor: null });
  }
  getEventsForCorrelation(...args: unknown[]) {
    return this.answer('getEventsForCorrelation', args, { events: [], next_cursor: null });
  }
  getEventsForTrace(...args: unknown[]) {
    return this.answer('getEventsForTrace', args, { events: [], next_cursor: null });
  }
  listTraces(...args: unknown[]) {
    return this.answer('listTraces', args, { traces: [], next_cursor: null });
  }
  findActiveAstNodes(...args: unknown[]) {
    return this.answer('findActiveAstNodes', args, { ast_node_ids: [] as string[], truncated: false });
  }
  getAstNodeLocations(...args: unknown[]) {
    return this.answer('getAstNodeLocations', args, []);
  }
  getAstNodeStats(...args: unknown[]) {
    return this.answer('getAstNodeStats', args, { nodes: [], truncated: false });
  }
  reconstructStateAt(...args: unknown[]) {
    return this.answer('reconstructStateAt', args, {
      at: 0n,
      state: [],
      state_truncated: false,
      active_calls: [],
      active_calls_truncated: false,
    });
  }
  traceExecutionPath(...args: unknown[]) {
    return this.answer('traceExecutionPath', args, undefined);
  }
  getCallsInWindow(...args: unknown[]) {
    return this.answer('getCallsInWindow', args, { calls: [], next_cursor: null });
  }
  getEventHistogram(...args: unknown[]) {
    return this.answer('getEventHistogram', args, { from: 0n, to: 0n, bucket_ns: 1n, buckets: [] });
  }
  getStats() {
    return this.answer('getStats', [], {
      total_events: 0,
      oldest_timestamp: null,
      newest_timestamp: null,
      bytes_on_disk: 0,
      bytes_uncompressed: 0,
    });
  }
  listBridgeReports(...args: unknown[]) {
    return this.answer('listBridgeReports', args, []);
  }
  ping() {
    return this.answer('ping', [], undefined);
  }
  close() {
    return this.answer('close', [], undefined);
  }
}
