import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';

import { ConfigError } from '../config/load-config';
import { PinoLoggerService } from '../logging/pino-logger';

export interface FastifyAppOptions {
  logger: Logger;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
}

/** A NestJS application on Fastify with JSON logs; app.close() runs the shutdown hooks. */
export async function createFastifyApp(
  module: Type<unknown>,
  options: FastifyAppOptions,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit ?? 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoLoggerService(options.logger),
    bufferLogs: false,
    // Throw instead of exiting: runService decides how a failed start ends.
    abortOnError: false,
  });
  // No enableShutdownHooks(): runService owns the signals (Nest's hooks
  // would re-raise SIGTERM after closing and turn a clean exit into 143).
  return app;
}

/**
 * Loads a service's configuration, or stops the process with the message
 * naming the bad variables (exit code 78, EX_CONFIG).
 *
 * @example
 * const config = loadOrExit(() => loadQueryConfig(), logger);
 */
export function loadOrExit<T>(load: () => T, logger: Logger): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.fatal({ problems: error.problems }, 'invalid configuration');
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}

/**
 * Runs a service's main: builds the app, listens, and on SIGTERM/SIGINT
 * closes the app (flushes, disconnects) within `shutdownTimeoutMs` before
 * exiting.
 */
export async function runService(options: {
  logger: Logger;
  create: () => Promise<INestApplication>;
  port: number;
  host?: string;
  shutdownTimeoutMs?: number;
  onListening?: (url: string) => void;
}): Promise<void> {
  const { logger } = options;
  let app: INestApplication;
  try {
    app = await options.create();
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
  await app.listen(options.port, options.host ?? '0.0.0.0');
  const url = `http://${options.host === undefined || options.host === '0.0.0.0' ? 'localhost' : options.host}:${options.port}`;
  logger.info({ url }, 'listening');
  options.onListening?.(url);

  let closing = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, options.shutdownTimeoutMs ?? 30_000);
    deadline.unref();
    app.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
