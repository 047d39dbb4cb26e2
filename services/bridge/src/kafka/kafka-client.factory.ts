import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';

import type { BridgeConfig } from '../config/bridge.config';

/** A kafkajs client from the configuration: brokers, TLS and SASL, logs through pino. */
export function createKafkaClient(config: BridgeConfig, logger: Logger): Kafka {
  const kafkaConfig: KafkaConfig = {
    clientId: config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BROKERS,
    ssl: config.KAFKA_SSL,
    sasl: sasl(config),
    connectionTimeout: 3_000,
    // Retries are the bridge's job (it keeps events until stored); keep
    // kafkajs's own retries short so failures surface and are counted.
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }) => {
        const { message, ...extra } = log;
        const line = { kafka: namespace, ...extra };
        if (level === logLevel.ERROR) logger.error(line, message);
        else if (level === logLevel.WARN) logger.warn(line, message);
        else logger.debug(line, message);
      },
  };
  return new Kafka(kafkaConfig);
}

function sasl(config: BridgeConfig): SASLOptions | undefined {
  const username = config.KAFKA_SASL_USERNAME ?? '';
  const password = config.KAFKA_SASL_PASSWORD ?? '';
  switch (config.KAFKA_SASL_MECHANISM) {
    case undefined:
      return undefined;
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}
