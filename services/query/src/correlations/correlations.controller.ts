import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { serializeEventPage } from '../api/response-serializers';
import { pageQuery, type PageQuery } from '../events/events.schema';
import { ApiErrorResponses, ApiJsonOk } from '../openapi/api-responses.decorator';
import { eventPageSchema } from '../openapi/response.schemas';
import { RequestSignal } from '../request/request-signal.decorator';
import { StorageQueries } from '../storage/storage-queries';
import { idParam } from '../validation/query-params.schema';
import { ValidParams, ValidQuery } from '../validation/valid-params.decorator';

const correlationParams = z.strictObject({ id: idParam('The correlation id (one execution of a call).') });

/** Everything one execution did: the events sharing a correlation id. */
@ApiTags('correlations')
@ApiBearerAuth()
@Controller('v1/correlations')
export class CorrelationsController {
  constructor(@Inject(StorageQueries) private readonly queries: StorageQueries) {}

  @Get(':id/events')
  @ApiOperation({
    summary: 'Events of a correlation id',
    description:
      'Every event with this correlation_id, ordered by timestamp, then seq, then event_id, one page at a time.',
  })
  @ApiJsonOk(eventPageSchema, 'One page of events; follow next_cursor until it is null.')
  @ApiErrorResponses()
  async events(
    @ValidParams(correlationParams) params: z.output<typeof correlationParams>,
    @ValidQuery(pageQuery) query: PageQuery,
    @RequestSignal() signal: AbortSignal,
  ) {
    const page = await this.queries.run('getEventsForCorrelation', signal, (storage, querySignal) =>
      storage.getEventsForCorrelation(params.id, { limit: query.limit, cursor: query.cursor, signal: querySignal }),
    );
    return serializeEventPage(page);
  }
}
