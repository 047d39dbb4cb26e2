import type { QueryStorage } from '@temporal-bridge/query';

type Primitive = Exclude<keyof QueryStorage, 'ping'>;

/**
 * Records what storage answered, keyed by primitive and arguments, so that a
 * second run can serve the very same answers at once: the HTTP layer alone,
 * with real-sized answers and no ClickHouse time, i.e. exactly what the
 * service adds around a storage call.
 */
export class AnswerRecorder {
  private readonly answers = new Map<string, unknown>();

  /** `storage`, recording every answer it gives. */
  recording(storage: QueryStorage): QueryStorage {
    const record =
      (name: Primitive) =>
      async (...args: unknown[]): Promise<never> => {
        const methods = storage as unknown as Record<Primitive, (...a: unknown[]) => Promise<unknown>>;
        const answer = await methods[name](...args);
        this.answers.set(keyOf(name, args), answer);
        return answer as never;
      };
    return {
      getEventsInRange: record('getEventsInRange'),
      getEventsForAstNode: record('getEventsForAstNode'),
      getEventsForCorrelation: record('getEventsForCorrelation'),
      findActiveAstNodes: record('findActiveAstNodes'),
      getEventsForTrace: record('getEventsForTrace'),
      listTraces: record('listTraces'),
      getAstNodeLocations: record('getAstNodeLocations'),
      getAstNodeStats: record('getAstNodeStats'),
      reconstructStateAt: record('reconstructStateAt'),
      traceExecutionPath: record('traceExecutionPath'),
      getCallsInWindow: record('getCallsInWindow'),
      getEventHistogram: record('getEventHistogram'),
      getStats: record('getStats'),
      listBridgeReports: record('listBridgeReports'),
      ping: () => storage.ping(),
    };
  }

  /** A storage answering only what was recorded, at once. */
  replaying(): QueryStorage {
    const answers = this.answers;
    const answer =
      (name: Primitive) =>
      async (...args: unknown[]): Promise<never> => {
        const key = keyOf(name, args);
        if (!answers.has(key)) throw new Error(`nothing recorded for ${key}`);
        return answers.get(key) as never;
      };
    return {
      getEventsInRange: answer('getEventsInRange'),
      getEventsForAstNode: answer('getEventsForAstNode'),
      getEventsForCorrelation: answer('getEventsForCorrelation'),
      findActiveAstNodes: answer('findActiveAstNodes'),
      getEventsForTrace: answer('getEventsForTrace'),
      listTraces: answer('listTraces'),
      getAstNodeLocations: answer('getAstNodeLocations'),
      getAstNodeStats: answer('getAstNodeStats'),
      reconstructStateAt: answer('reconstructStateAt'),
      traceExecutionPath: answer('traceExecutionPath'),
      getCallsInWindow: answer('getCallsInWindow'),
      getEventHistogram: answer('getEventHistogram'),
      getStats: answer('getStats'),
      listBridgeReports: answer('listBridgeReports'),
      ping: async () => undefined,
    };
  }
}

/**
 * The same key for the raw call and the route's call of one question: the
 * route passes a signal and spells absent options as undefined, the raw call
 * does not; neither changes the answer.
 */
function keyOf(name: string, args: unknown[]): string {
  const text = JSON.stringify([name, ...args], (key, value: unknown) => {
    if (key === 'signal') return undefined;
    return typeof value === 'bigint' ? value.toString() : value;
  });
  return text.replace(/,\{\}\]$/, ']');
}
