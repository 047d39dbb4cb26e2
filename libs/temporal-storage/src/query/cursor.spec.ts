import { describe, expect, it } from 'vitest';

import { InvalidCursorError } from '../errors';
import { decodeCursor, encodeCursor, queryFingerprint } from './cursor';

describe('cursor', () => {
  const fingerprint = queryFingerprint('range', 1n, 2n, undefined);
  const key = { timestamp: 9223372036854775807n, seq: -1, event_id: 'e-1 "quoted" é' };

  it('round-trips the order key exactly, int64 timestamps included', () => {
    const cursor = encodeCursor(fingerprint, key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, fingerprint)).toEqual(key);
  });

  it('refuses a cursor issued for another query', () => {
    const cursor = encodeCursor(fingerprint, key);
    expect(() => decodeCursor(cursor, queryFingerprint('range', 1n, 3n, undefined))).toThrow(InvalidCursorError);
    expect(() => decodeCursor(cursor, queryFingerprint('range', 1n, 2n, 'svc'))).toThrow(/another query/);
  });

  it('tells filters apart even when they would concatenate alike', () => {
    expect(queryFingerprint('ast_node', 'a', 'bc')).not.toEqual(queryFingerprint('ast_node', 'ab', 'c'));
    expect(queryFingerprint('range', 1n, 2n, undefined)).not.toEqual(queryFingerprint('range', 1n, 2n, ''));
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['an array', Buffer.from('[1,2]').toString('base64url')],
    [
      'a negative timestamp',
      Buffer.from(JSON.stringify({ v: 1, q: 'x', t: '-1', s: 0, e: 'a' })).toString('base64url'),
    ],
    [
      'a timestamp beyond int64',
      Buffer.from(JSON.stringify({ v: 1, q: 'x', t: '9223372036854775808', s: 0, e: 'a' })).toString('base64url'),
    ],
    ['a fractional seq', Buffer.from(JSON.stringify({ v: 1, q: 'x', t: '1', s: 0.5, e: 'a' })).toString('base64url')],
    ['an empty event id', Buffer.from(JSON.stringify({ v: 1, q: 'x', t: '1', s: 0, e: '' })).toString('base64url')],
    ['too long', 'a'.repeat(2000)],
  ])('refuses %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor, fingerprint)).toThrow(InvalidCursorError);
  });

  it('refuses another cursor version', () => {
    const body = { v: 2, q: fingerprint, t: '1', s: 0, e: 'a' };
    expect(() => decodeCursor(Buffer.from(JSON.stringify(body)).toString('base64url'), fingerprint)).toThrow(
      /version 2/,
    );
  });
});
