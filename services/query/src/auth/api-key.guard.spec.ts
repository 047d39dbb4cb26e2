import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';

import { DEFAULT_QUERY_LIMITS } from '../api/query-api.options';
import { ApiError } from '../errors/api-error';
import { ApiKeyGuard } from './api-key.guard';

function guard(apiKeys: string[]): ApiKeyGuard {
  return new ApiKeyGuard({ apiKeys, limits: DEFAULT_QUERY_LIMITS, queryTimeoutMs: 1000 });
}

function context(route: string, authorization?: string): ExecutionContext {
  const request = { url: route, routeOptions: { url: route }, headers: { authorization } };
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

function outcome(g: ApiKeyGuard, ctx: ExecutionContext): string {
  try {
    return String(g.canActivate(ctx));
  } catch (error) {
    return error instanceof ApiError ? `${error.status} ${error.code}: ${error.message}` : String(error);
  }
}

describe('ApiKeyGuard', () => {
  it('lets everything through when no key is configured', () => {
    expect(outcome(guard([]), context('/v1/events'))).toBe('true');
  });

  it('requires a configured key on /v1 routes only', () => {
    const g = guard(['k-one', 'k-two']);
    expect(outcome(g, context('/v1/events', 'Bearer k-two'))).toBe('true');
    expect(outcome(g, context('/v1/events', 'bearer k-one'))).toBe('true');
    expect(outcome(g, context('/v1/events'))).toBe('401 unauthorized: missing header Authorization: Bearer <API key>');
    expect(outcome(g, context('/v1/events', 'Bearer k-three'))).toBe('401 unauthorized: the API key is not valid');
    expect(outcome(g, context('/v1/events', 'Bearer k-on'))).toBe('401 unauthorized: the API key is not valid');
    expect(outcome(g, context('/v1/events', 'Basic k-one'))).toMatch(/^401 unauthorized: missing header/);
    expect(outcome(g, context('/v1/events', 'k-one'))).toMatch(/^401 unauthorized: missing header/);
    for (const open of ['/healthz', '/readyz', '/metrics']) expect(outcome(g, context(open))).toBe('true');
  });

  it('asks for bearer credentials in the 401', () => {
    try {
      guard(['k']).canActivate(context('/v1/stats'));
      expect.unreachable();
    } catch (error) {
      expect((error as ApiError).headers).toEqual({ 'www-authenticate': 'Bearer realm="temporal-bridge"' });
    }
  });
});
