import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Content types read as one JSON event per line. */
export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/json-seq'];

/** An NDJSON body, kept as lines so that one bad line is reported by index, not fatal. */
export class NdjsonBody {
  constructor(readonly lines: string[]) {}
}

/**
 * Registers the NDJSON body parser: the body (bounded by the app's body
 * limit) is split into non-empty lines; each is parsed on its own later.
 */
export function registerNdjsonParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    done(
      null,
      new NdjsonBody(
        text
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line.length > 0),
      ),
    );
  });
}
