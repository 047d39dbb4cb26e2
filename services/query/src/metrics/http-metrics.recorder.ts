import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { METRICS_REGISTRY } from '@temporal-bridge/service-kit';
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

import type { QueryApiOptions } from '../api/query-api.options';
import { QUERY_API_OPTIONS } from '../api/query-api.tokens';

type Labels = 'method' | 'route' | 'status';

/** The `route` label of requests no route matched: one series, whatever paths scanners try. */
export const UNMATCHED_ROUTE = '<unmatched>';

/**
 * Request counts and latency histograms per method, route pattern and status,
 * for every request the application answers (404s and 401s included, which
 * Nest interceptors would not see), from a Fastify onResponse hook.
 */
@Injectable()
export class HttpMetricsRecorder implements OnModuleInit {
  private readonly requests: Counter<Labels>;
  private readonly duration: Histogram<Labels>;

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(QUERY_API_OPTIONS) options: QueryApiOptions,
  ) {
    const prefix = options.metricsPrefix ?? 'tb_';
    this.requests = new Counter({
      name: `${prefix}http_requests_total`,
      help: 'HTTP requests answered, per method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: 'Time from request received to response sent, per method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    // Fastify builds each route's hook list when it gets ready (at listen),
    // so a hook added now applies to routes Nest registered before.
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request, reply) => {
      const labels = {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status: String(reply.statusCode),
      };
      this.requests.inc(labels);
      this.duration.observe(labels, reply.elapsedTime / 1000);
    });
  }
}
