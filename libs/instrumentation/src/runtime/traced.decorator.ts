import type { TracedOptions } from './call-tracer';
import { getRuntime } from './default-runtime';
import type { InstrumentationRuntime } from './instrumentation-runtime';

/**
 * Options of `@Traced`: those of `traced()`, plus the runtime to use (default: the installed one, looked up per call).
 *
 * @example
 * class Repo { @Traced('repo.ts:5', { runtime, captureResult: true }) find(id: string) { ... } }
 */
export interface TracedDecoratorOptions extends Omit<TracedOptions, 'args'> {
  runtime?: InstrumentationRuntime;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Method decorator (legacy `experimentalDecorators`): every call of the
 * method is recorded as a call, sync or async, with its arguments (when
 * `capture.captureArgs` is on), `data.module` = the class name and
 * `data.function` = the method name. The AST node id defaults to
 * `Class.method`.
 *
 * @example
 * class OrderService {
 *   @Traced('orders.service.ts:14:place')
 *   async place(order: Order): Promise<Receipt> { ... }
 * }
 */
export function Traced(astNodeId?: string, options: TracedDecoratorOptions = {}): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    const original = descriptor.value as unknown;
    if (typeof original !== 'function') throw new TypeError('@Traced decorates methods only');
    // Static methods are decorated on the constructor, instance methods on the prototype.
    const owner = typeof target === 'function' ? target.name : target.constructor.name;
    const method = String(propertyKey);
    const id = astNodeId ?? `${owner}.${method}`;
    const { runtime: fixed, ...rest } = options;
    const callOptions: TracedOptions = { module: owner, function: method, ...rest };
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const runtime = fixed ?? getRuntime();
      if (runtime === undefined) return (original as AnyMethod).apply(this, args);
      return runtime.traceCall(id, original as AnyMethod, this, args, callOptions);
    };
    Object.defineProperty(wrapped, 'name', { value: method });
    (descriptor as PropertyDescriptor).value = wrapped;
    return descriptor;
  };
}
