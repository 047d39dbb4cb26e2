import {
  KafkaJSBrokerNotFound,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { idempotenceVerdict } from './kafka.transport';

// kafkajs builds protocol errors from the broker's error code entry (its types say Error | string).
const protocolError = (type: string): Error =>
  new KafkaJSProtocolError(Object.assign(new Error(`${type} from the broker`), { type, code: 35, retriable: false }));
// Its types declare no argument; at run time it takes the message, as kafkajs throws it.
const BrokerNotFound = KafkaJSBrokerNotFound as unknown as new (message: string) => Error;
const RETRIES = { retryCount: 2, retryTime: 300 };

describe('idempotenceVerdict (may a failed idempotent connect downgrade idempotent: auto?)', () => {
  it('takes the broker saying it cannot as definite', () => {
    expect(idempotenceVerdict(protocolError('UNSUPPORTED_VERSION'))).toBe('unsupported');
    expect(idempotenceVerdict(protocolError('CLUSTER_AUTHORIZATION_FAILED'))).toBe('unsupported');
    expect(idempotenceVerdict(new KafkaJSNumberOfRetriesExceeded(protocolError('UNSUPPORTED_VERSION'), RETRIES))).toBe(
      'unsupported',
    );
  });

  it('needs a controller missing from the metadata confirmed (it can be a moving controller)', () => {
    expect(idempotenceVerdict(new BrokerNotFound('Broker 0 not found in the cached metadata'))).toBe('unconfirmed');
  });

  it('never downgrades on a network failure, a timeout or retries exhausted on those', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    expect(idempotenceVerdict(refused)).toBe('transient');
    expect(idempotenceVerdict(new KafkaJSNumberOfRetriesExceeded(refused, RETRIES))).toBe('transient');
    expect(idempotenceVerdict(protocolError('REQUEST_TIMED_OUT'))).toBe('transient');
    expect(idempotenceVerdict(protocolError('COORDINATOR_NOT_AVAILABLE'))).toBe('transient');
    expect(idempotenceVerdict(new Error('socket hang up'))).toBe('transient');
  });
});
