import type { TracedOptions } from './call-tracer';
import { InstrumentationRuntime } from './instrumentation-runtime';
import type { InstrumentationOptions } from './runtime-options';

let installed: InstrumentationRuntime | undefined;

/**
 * Creates the process's default runtime, which `traced()` and `@Traced` use
 * when not given one. Replacing an installed runtime shuts the old one down
 * (in the background, 5 s to drain).
 *
 * @example
 * install({ service: 'checkout', transport: { kind: 'http', baseUrl: 'http://localhost:4000' } });
 */
export function install(options: InstrumentationOptions): InstrumentationRuntime {
  const previous = installed;
  installed = new InstrumentationRuntime(options);
  if (previous !== undefined) void previous.shutdown();
  return installed;
}

/**
 * The default runtime, if `install` was called.
 *
 * @example
 * getRuntime()?.stateChange({ ready: true });
 */
export function getRuntime(): InstrumentationRuntime | undefined {
  return installed;
}

/**
 * Forgets the default runtime and shuts it down, draining up to `timeoutMs`.
 *
 * @example
 * await uninstall();
 */
export async function uninstall(timeoutMs?: number): Promise<void> {
  const previous = installed;
  installed = undefined;
  await previous?.shutdown(timeoutMs);
}

/**
 * `runtime.traced` on the default runtime; without one, just `fn()`.
 *
 * @example
 * const user = await traced('users.ts:20:load', () => db.users.find(id));
 */
export function traced<T>(astNodeId: string, fn: () => T, options?: TracedOptions): T {
  const runtime = installed;
  return runtime === undefined ? fn() : runtime.traced(astNodeId, fn, options);
}
