import { AsyncLocalStorage } from 'node:async_hooks';

import { context, ROOT_CONTEXT, type Context, type ContextManager, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * An AsyncLocalStorage context manager for OpenTelemetry, so that
 * `startActiveSpan` propagates context like `traced()` does (the package
 * @opentelemetry/context-async-hooks is not installed; this is the same idea
 * in a few lines).
 */
class AlsContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }

  bind<T>(_ctx: Context, target: T): T {
    return target;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}

export interface OtelSetup {
  tracer: Tracer;
  /** Spans the exporter received (it does nothing else with them). */
  exported(): number;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** BasicTracerProvider + BatchSpanProcessor + an exporter that only counts: OpenTelemetry's cheapest real pipeline. */
export function otelSetup(maxQueueSize: number): OtelSetup {
  let exported = 0;
  const exporter: SpanExporter = {
    export: (spans, done) => {
      exported += spans.length;
      done({ code: 0 });
    },
    shutdown: async () => undefined,
  };
  const processor = new BatchSpanProcessor(exporter, { maxQueueSize, maxExportBatchSize: 512 });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const manager = new AlsContextManager();
  context.setGlobalContextManager(manager);
  return {
    tracer: provider.getTracer('bench'),
    exported: () => exported,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      // Like the SDK's shutdown: stop the AsyncLocalStorage hook, free the global slot.
      context.disable();
    },
  };
}
