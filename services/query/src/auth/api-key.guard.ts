import { createHash, timingSafeEqual } from 'node:crypto';

import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import type { QueryApiOptions } from '../api/query-api.options';
import { QUERY_API_OPTIONS } from '../api/query-api.tokens';
import { ApiError } from '../errors/api-error';

/** The routes API keys protect: the whole /v1 API, whichever module declares the route. */
const PROTECTED_PREFIX = '/v1/';

/**
 * Optional bearer API keys. When keys are configured every /v1 route
 * (standalone's ingest included, being registered app-wide) requires
 * `Authorization: Bearer <key>`; health, readiness, metrics and docs stay
 * open for probes and scrapers. Keys are compared as SHA-256 digests with
 * timingSafeEqual, against every key, so neither a key's content nor its
 * length nor which key matched shows in the response time.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly digests: Buffer[];

  constructor(@Inject(QUERY_API_OPTIONS) options: QueryApiOptions) {
    this.digests = options.apiKeys.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.digests.length === 0 || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // The matched route's pattern, not the raw URL, so no spelling of a path can slip past.
    const route = request.routeOptions.url ?? request.url;
    if (!route.startsWith(PROTECTED_PREFIX)) return true;
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) throw unauthorized('missing header Authorization: Bearer <API key>');
    if (!this.matches(token)) throw unauthorized('the API key is not valid');
    return true;
  }

  private matches(token: string): boolean {
    const candidate = digest(token);
    let found = false;
    for (const key of this.digests) found = timingSafeEqual(key, candidate) || found;
    return found;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, { 'www-authenticate': 'Bearer realm="temporal-bridge"' });
}
