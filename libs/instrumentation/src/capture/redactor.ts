/**
 * Keys whose values never leave the process, unless the application configures others.
 *
 * @example
 * new InstrumentationRuntime({ service: 'shop', transport, capture: { redactKeys: [...DEFAULT_REDACT_KEYS, 'cookie'] } });
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = ['password', 'token', 'secret', 'authorization'];

/**
 * What a redacted value is replaced with.
 *
 * @example
 * runtime.stateChange({ password: 'hunter2' }); // sent as { state: { password: REDACTED } }
 */
export const REDACTED = '[REDACTED]';

// Distinct keys are few in practice (field names); caching the verdict keeps the
// regex off the hot path. The bound stops a pathological key stream (e.g. ids
// used as keys) from growing memory: the cache is simply cleared.
const CACHE_LIMIT = 4096;

/**
 * Decides which object keys are masked. A string pattern matches as a
 * case-insensitive substring (`token` masks `accessToken` and `x-token`); a
 * RegExp is used as given.
 *
 * @example
 * const redactor = new Redactor(['password', /^x-api-/i]);
 * redactor.matches('userPassword'); // true
 * redactor.matches('x-api-key');    // true
 */
export class Redactor {
  private readonly pattern: RegExp | undefined;
  private readonly verdicts = new Map<string, boolean>();

  constructor(patterns: ReadonlyArray<string | RegExp> = DEFAULT_REDACT_KEYS) {
    const sources = patterns.map((p) =>
      typeof p === 'string' ? `(?:${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})` : `(?:${p.source})`,
    );
    // One alternation, case-insensitive: string patterns are documented that way,
    // and a key that differs only in case is the same secret.
    this.pattern = sources.length === 0 ? undefined : new RegExp(sources.join('|'), 'i');
  }

  matches(key: string): boolean {
    if (this.pattern === undefined) return false;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    const verdict = this.pattern.test(key);
    if (this.verdicts.size >= CACHE_LIMIT) this.verdicts.clear();
    this.verdicts.set(key, verdict);
    return verdict;
  }
}
