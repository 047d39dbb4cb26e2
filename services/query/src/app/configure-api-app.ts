import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

import { openApiComponentSchemas } from '../openapi/openapi-schemas.registry';

export interface ConfigureApiAppOptions {
  /** Allowed origins; `['*']` allows any; empty disables CORS (same-origin only). */
  corsOrigins: readonly string[];
  /** Shown in the OpenAPI document. */
  title?: string;
  version?: string;
  description?: string;
}

/** Where the OpenAPI UI and document are served. */
export const DOCS_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'openapi.json';

/**
 * Sets up, on an application holding QueryApiModule, what is app-wide rather
 * than per module: CORS, and the OpenAPI document generated from every
 * controller of the app (standalone's extra routes included) at /openapi.json
 * with its UI at /docs. Call before `listen`. Returns the document.
 */
export function configureQueryApp(app: NestFastifyApplication, options: ConfigureApiAppOptions): OpenAPIObject {
  if (options.corsOrigins.length > 0) {
    app.enableCors({
      origin: options.corsOrigins.includes('*') ? '*' : [...options.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    });
  }
  const config = new DocumentBuilder()
    .setTitle(options.title ?? 'temporal-bridge Cinema API')
    .setVersion(options.version ?? '1')
    .setDescription(
      options.description ??
        'Time-travel queries over runtime events. Timestamps are int64 nanoseconds since the Unix epoch, as decimal strings (queries also accept ISO-8601 with a zone). Errors are JSON {error, message} with a stable `error` code.',
    )
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'Required on /v1 routes when the server has API_KEYS set.',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...openApiComponentSchemas() },
  };
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH, raw: ['json'] });
  return document;
}
