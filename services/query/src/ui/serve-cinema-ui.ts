import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import type { ApiErrorBody } from '../errors/api-error';

/**
 * Where the built Cinema UI is (libs/cinema-ui/dist, written by `npm run
 * build`), or undefined when it was not built.
 */
export function cinemaUiDir(): string | undefined {
  // CommonJS when built; the test runner loads sources as ES modules, where the working directory stands in.
  const from = typeof __filename === 'string' ? __filename : pathToFileURL(join(process.cwd(), 'index.js')).href;
  try {
    const manifest = createRequire(from).resolve('@temporal-bridge/cinema-ui/package.json');
    const dir = join(dirname(manifest), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the Cinema UI at `/` (call before `listen`): index.html at `/`
 * (never cached, so a new build is picked up at once) and the hashed assets
 * under /assets/ (cached for a year). Any other path still reaches the
 * API's JSON 404. Without a build, `/` answers a JSON 404 that
 * says how to build it.
 */
export async function serveCinemaUi(
  app: NestFastifyApplication,
  /** The build to serve; default the workspace's (cinemaUiDir); null: none. */
  dir: string | null | undefined = cinemaUiDir(),
): Promise<void> {
  if (dir === undefined || dir === null) {
    const body: ApiErrorBody = {
      error: 'not_found',
      message:
        'the Cinema UI is not built on this server: run `npm run build` (it writes libs/cinema-ui/dist); the API is under /v1, documented at /docs',
    };
    app
      .getHttpAdapter()
      .getInstance()
      .get('/', (_request, reply) => {
        void reply.code(404).send(body);
      });
    return;
  }
  // Hashed assets under a wildcard, so a rebuild while the server runs serves the new ones.
  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    // Swagger's /docs registers @fastify/static too: one sendFile decorator is enough.
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply) => {
      reply.header('cache-control', 'public, max-age=31536000, immutable');
      reply.header('x-content-type-options', 'nosniff');
    },
  });
  // The page itself: routes for the files at the top only, `/` included.
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    globIgnore: ['assets/**'],
    index: ['index.html'],
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply) => {
      reply.header('cache-control', 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
    },
  });
}
