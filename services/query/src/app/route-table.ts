import type { FastifyInstance } from 'fastify';

/**
 * The routes registered on a Fastify instance, so that a request for a known
 * path with the wrong method gets 405 with an Allow header instead of 404.
 */
export class RouteTable {
  private readonly routes: Array<{ method: string; pattern: RegExp }> = [];

  add(method: string | string[], url: string): void {
    // A catch-all (CORS's `OPTIONS *`) would make every path "known"; preflight is not a method to offer.
    if (url === '*' || url === '/*') return;
    const methods = (Array.isArray(method) ? method : [method])
      .map((m) => m.toUpperCase())
      .filter((m) => m !== 'OPTIONS');
    const pattern = patternOf(url);
    for (const m of methods) this.routes.push({ method: m, pattern });
  }

  /** The methods some route answers for this path (query string ignored). */
  methodsFor(url: string): string[] {
    const path = url.split('?', 1)[0] ?? url;
    return [...new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
  }
}

/** `/v1/ast-nodes/:id/events` -> /^\/v1\/ast-nodes\/[^/]+\/events\/?$/ (Fastify's param and wildcard syntax). */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}

const tables = new WeakMap<FastifyInstance, RouteTable>();

/** Starts recording the routes of `instance`; call before any route is registered. */
export function trackRoutes(instance: FastifyInstance): RouteTable {
  const table = new RouteTable();
  instance.addHook('onRoute', (route) => table.add(route.method, route.url ?? route.path));
  tables.set(instance, table);
  return table;
}

/** The route table of `instance`, when trackRoutes was called on it. */
export function routeTableOf(instance: FastifyInstance): RouteTable | undefined {
  return tables.get(instance);
}
