import { describe, expect, it } from 'vitest';

import { REDACTED, Redactor } from './redactor';
import { ValueCapturer } from './value-capturer';

function captureWith(redactor: Redactor, value: unknown): unknown {
  const capturer = new ValueCapturer({ maxStringLength: 100, maxDepth: 8, maxItems: 100 }, redactor);
  capturer.begin(65_536);
  return capturer.value(value, 0);
}

describe('Redactor', () => {
  it('masks password, token, secret and authorization by default, as case-insensitive substrings', () => {
    const redactor = new Redactor();
    for (const key of ['password', 'userPassword', 'ACCESS_TOKEN', 'clientSecret', 'Authorization']) {
      expect(redactor.matches(key)).toBe(true);
    }
    for (const key of ['user', 'pass', 'auth', 'id']) expect(redactor.matches(key)).toBe(false);
  });

  it('masks values at any depth, in objects, arrays and maps, whatever the value is', () => {
    const out = captureWith(new Redactor(), {
      user: 'ann',
      password: { nested: 'object' },
      headers: [{ Authorization: 'Bearer abc' }],
      session: new Map([['refreshToken', 'r1']]),
    });
    expect(out).toEqual({
      user: 'ann',
      password: REDACTED,
      headers: [{ Authorization: REDACTED }],
      session: { refreshToken: REDACTED },
    });
    expect(JSON.stringify(out)).not.toMatch(/abc|r1|object/);
  });

  it('takes custom patterns: strings are escaped, RegExps used as given', () => {
    const redactor = new Redactor(['card.number', /^x-api-/i]);
    expect(redactor.matches('card.number')).toBe(true);
    expect(redactor.matches('cardXnumber')).toBe(false);
    expect(redactor.matches('X-API-Key')).toBe(true);
    expect(redactor.matches('password')).toBe(false);
  });

  it('masks nothing with an empty list', () => {
    expect(captureWith(new Redactor([]), { password: 'p' })).toEqual({ password: 'p' });
  });
});
