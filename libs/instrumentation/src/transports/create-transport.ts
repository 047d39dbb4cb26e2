import type { TransportConfig } from '../runtime/runtime-options';
import { HttpTransport } from './http.transport';
import { InProcessTransport } from './in-process.transport';
import { KafkaTransport } from './kafka.transport';
import type { Transport } from './transport';

/**
 * The transport a configuration names; a `Transport` object is used as given.
 *
 * @example
 * const transport = createTransport({ kind: 'http', baseUrl: 'http://localhost:4000' });
 */
export function createTransport(config: TransportConfig | Transport): Transport {
  if ('send' in config) return config;
  switch (config.kind) {
    case 'kafka':
      return new KafkaTransport(config);
    case 'http':
      return new HttpTransport(config);
    case 'in-process':
      return new InProcessTransport();
  }
}
