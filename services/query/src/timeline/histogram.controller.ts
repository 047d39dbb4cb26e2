import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrorResponses, ApiJsonOk } from '../openapi/api-responses.decorator';
import { RequestSignal } from '../request/request-signal.decorator';
import { StorageQueries } from '../storage/storage-queries';
import { ValidQuery } from '../validation/valid-params.decorator';
import { eventHistogramSchema, serializeHistogram } from './timeline.responses';
import { histogramQuery, type HistogramQuery } from './timeline.schema';

/** Event density over time, counted by ClickHouse (the Cinema UI's density strip). */
@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events/histogram')
export class HistogramController {
  constructor(@Inject(StorageQueries) private readonly queries: StorageQueries) {}

  @Get()
  @ApiOperation({
    summary: 'Event counts per time bucket',
    description:
      'Splits [from, to] into `buckets` equal buckets and counts the distinct events (and the errors) in each, empty buckets included.',
  })
  @ApiJsonOk(eventHistogramSchema, 'The buckets in time order.')
  @ApiErrorResponses()
  async histogram(@ValidQuery(histogramQuery) query: HistogramQuery, @RequestSignal() signal: AbortSignal) {
    const histogram = await this.queries.run('getEventHistogram', signal, (storage, querySignal) =>
      storage.getEventHistogram(query.from, query.to, query.buckets, { service: query.service, signal: querySignal }),
    );
    return serializeHistogram(histogram);
  }
}
