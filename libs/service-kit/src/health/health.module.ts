import { Controller, Get, Injectable, Module, Res, type DynamicModule } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

export type ReadinessCheck = () => Promise<unknown>;

/** Collects the checks that must pass for the service to take traffic. */
@Injectable()
export class HealthService {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** e.g. register('clickhouse', () => storage.ping()) */
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async readiness(timeoutMs = 2_000): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await outcome(check, timeoutMs)] as const),
    );
    return { ready: entries.every(([, result]) => result === 'ok'), checks: Object.fromEntries(entries) };
  }
}

async function outcome(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)),
      ),
    ]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

@Controller()
class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every registered dependency answers; 503 naming the ones that do not. */
  @Get('readyz')
  async readyz(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ status: string; checks: Record<string, string> }> {
    const { ready, checks } = await this.health.readiness();
    if (!ready) void reply.status(503);
    return { status: ready ? 'ready' : 'not_ready', checks };
  }
}

/** GET /healthz and GET /readyz. */
@Module({})
export class HealthModule {
  static forRoot(): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [HealthService],
      exports: [HealthService],
    };
  }
}
