import {
  KafkaJSBrokerNotFound,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { idempotenceVerdict } from './kafka.transport';

// kafkajs builds protocol errors from the broker's error code entry.
const protocolError = (type: string): Error =>
  new KafkaJSProtocolError({ type, code: 35, retriable: false, message: `${type} from the broker` });

describe('idempotenceVerdict (may a failed idempotent connect downgrade idempotent: auto?)', () => {
  it('takes the broker saying it cannot as definite', () => {
    expect(idempotenceVerdict(protocolError('UNSUPPORTED_VERSION'))).toBe('unsupported');
    expect(idempotenceVerdict(protocolError('CLUSTER_AUTHORIZATION_FAILED'))).toBe('unsupported');
    expect(
      idempotenceVerdict(new KafkaJSNumberOfRetriesExceeded(protocolError('UNSUPPORTED_VERSION'), { retryCount: 2 })),
    ).toBe('unsupported');
  });

  it('needs a controller missing from the metadata confirmed (it can be a moving controller)', () => {
    expect(idempotenceVerdict(new KafkaJSBrokerNotFound('Broker 0 not found in the cached metadata'))).toBe(
      'unconfirmed',
    );
  });

  it('never downgrades on a network failure, a timeout or retries exhausted on those', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    expect(idempotenceVerdict(refused)).toBe('transient');
    expect(idempotenceVerdict(new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 2 }))).toBe('transient');
    expect(idempotenceVerdict(protocolError('REQUEST_TIMED_OUT'))).toBe('transient');
    expect(idempotenceVerdict(protocolError('COORDINATOR_NOT_AVAILABLE'))).toBe('transient');
    expect(idempotenceVerdict(new Error('socket hang up'))).toBe('transient');
  });
});
