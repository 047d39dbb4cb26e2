import { Readable } from 'node:stream';

import { Controller, Get, Inject, Logger, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { serializeEvent } from '@temporal-bridge/event-schema';
import type { EventPage } from '@temporal-bridge/temporal-storage';
import type { FastifyReply } from 'fastify';

import type { QueryApiOptions } from '../api/query-api.options';
import { QUERY_API_OPTIONS } from '../api/query-api.tokens';
import { ApiErrorResponses } from '../openapi/api-responses.decorator';
import { RequestSignal } from '../request/request-signal.decorator';
import { StorageQueries } from '../storage/storage-queries';
import { ValidQuery } from '../validation/valid-params.decorator';
import { exportQuery, type ExportQuery } from './export.schema';

/** Every event of a window as NDJSON, however wide the window. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class ExportController {
  private readonly logger = new Logger(ExportController.name);

  constructor(
    @Inject(StorageQueries) private readonly queries: StorageQueries,
    @Inject(QUERY_API_OPTIONS) private readonly options: QueryApiOptions,
  ) {}

  @Get('export')
  @ApiOperation({
    summary: 'Export [from, to] as NDJSON',
    description:
      'Every event of the window (no MAX_RANGE_SECONDS: any window within retention), one JSON event per line, in result order (timestamp, seq, event_id). Read from storage MAX_RESULT_ROWS events at a time, each page only once the client has taken the previous one. Errors before the first line are JSON answers; a failure after it cuts the connection before the end of the chunked body, so a truncated export never looks complete (curl exits 18).',
  })
  @ApiResponse({
    status: 200,
    description: 'One event per line (the Event schema), `\\n`-terminated.',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  @ApiErrorResponses()
  async export(
    @ValidQuery(exportQuery) query: ExportQuery,
    @RequestSignal() signal: AbortSignal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // The first page before the status line: a storage error is still a proper JSON answer.
    const first = await this.page(query, undefined, signal);
    reply.type('application/x-ndjson; charset=utf-8');
    const stream = Readable.from(this.lines(query, first, signal), { objectMode: false });
    stream.on('error', (error) => {
      this.logger.warn(`export ${query.from}..${query.to} cut short: ${String(error)}`);
      // Without the final chunk the client knows the body is incomplete.
      reply.raw.destroy(error);
    });
    await reply.send(stream);
  }

  private async *lines(query: ExportQuery, first: EventPage, signal: AbortSignal): AsyncGenerator<string> {
    let page = first;
    for (;;) {
      if (page.events.length > 0) yield page.events.map((e) => `${JSON.stringify(serializeEvent(e))}\n`).join('');
      if (page.next_cursor === null || signal.aborted) return;
      page = await this.page(query, page.next_cursor, signal);
    }
  }

  private page(query: ExportQuery, cursor: string | undefined, signal: AbortSignal): Promise<EventPage> {
    return this.queries.run('getEventsInRange', signal, (storage, querySignal) =>
      storage.getEventsInRange(query.from, query.to, {
        service: query.service,
        limit: this.options.limits.maxResultRows,
        cursor,
        signal: querySignal,
      }),
    );
  }
}
