import {
  Inject,
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
} from '@nestjs/common';

import { TemporalBridge } from '../temporal-bridge';
import type { TemporalBridgeOptions } from '../temporal-bridge.options';

export interface TemporalBridgeModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => TemporalBridgeOptions | Promise<TemporalBridgeOptions>;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
}

/**
 * The NestJS dynamic module hosting one TemporalBridge (child_spec's
 * counterpart): the bridge starts with the application and is stopped, its
 * buffer flushed, on application shutdown. Inject it by class.
 *
 * @example
 * @Module({ imports: [TemporalBridgeModule.forRoot({ temporalStorage: storage })] })
 * export class AppModule {}
 */
@Module({})
export class TemporalBridgeModule implements OnApplicationShutdown {
  constructor(@Inject(TemporalBridge) private readonly bridge: TemporalBridge) {}

  static forRoot(options: TemporalBridgeOptions = {}): DynamicModule {
    return {
      module: TemporalBridgeModule,
      global: true,
      providers: [{ provide: TemporalBridge, useFactory: () => TemporalBridge.start(options) }],
      exports: [TemporalBridge],
    };
  }

  /**
   * @example
   * TemporalBridgeModule.forRootAsync({ inject: [Config], useFactory: (config: Config) => ({ bufferSize: config.bufferSize }) })
   */
  static forRootAsync(options: TemporalBridgeModuleAsyncOptions): DynamicModule {
    return {
      module: TemporalBridgeModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: TemporalBridge,
          useFactory: async (...deps: never[]) => TemporalBridge.start(await options.useFactory(...deps)),
          inject: options.inject ?? [],
        },
      ],
      exports: [TemporalBridge],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bridge.stop();
  }
}
