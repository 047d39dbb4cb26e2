import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, schemaRef } from '@temporal-bridge/query';
import type { FastifyReply } from 'fastify';

import { IngestService } from './ingest.service';
// Registers the answer schemas the responses below reference in the OpenAPI document.
import './ingest.schemas';
import type { IngestNoneAccepted, IngestResult } from './ingest.schemas';
import { NDJSON_TYPES } from './ndjson';

/** Ingest of standalone mode (the distributed mode ingests from Kafka). */
@ApiTags('ingest')
@ApiBearerAuth()
@Controller('v1')
export class IngestController {
  constructor(@Inject(IngestService) private readonly ingestService: IngestService) {}

  @Post('events')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ingest events',
    description:
      'A JSON array of wire events, or NDJSON (one event per line). Invalid events are reported by index and not stored; the answer comes once the valid ones are durably stored. `timestamp`: decimal int64 nanoseconds since the epoch, or RFC 3339 with a zone and up to nanosecond precision; one before the retention window (RETENTION_DAYS), more than MAX_CLOCK_SKEW_SECONDS in the future, or obviously in seconds, milliseconds, microseconds or 0 is rejected with a reason naming the likely mistake.',
  })
  @ApiConsumes('application/json', ...NDJSON_TYPES)
  @ApiBody({ description: 'Wire events (schema version 1).', schema: { type: 'array', items: { type: 'object' } } })
  @ApiResponse({
    status: 202,
    description:
      'At least one event (or an empty body) stored; rejected lists the invalid events by index. Partial acceptance is a 202 too: read `rejected`.',
    schema: schemaRef('IngestResult'),
  })
  @ApiResponse({
    status: 422,
    description:
      'No event accepted: every event of the body was invalid. The same per-index body as the 202 (`accepted` is 0, `rejected` names each one), with `error` and `message` like every 4xx, so `curl -f` and status checks see the failure.',
    schema: schemaRef('IngestNoneAccepted'),
  })
  @ApiErrorResponses(413, 415)
  async ingest(
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestResult | IngestNoneAccepted> {
    const result = await this.ingestService.ingest(body);
    const [first] = result.rejected;
    if (result.accepted > 0 || first === undefined) return result;
    // Nothing stored: a 2xx would tell the client it worked.
    void reply.status(422);
    const count = result.rejected.length;
    return {
      error: 'no_event_accepted',
      message: `none of the ${count} event${count === 1 ? '' : 's'} was accepted (index ${first.index}: ${first.reason}); rejected gives each reason`,
      ...result,
    };
  }

  @Post('flush')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Flush the bridge buffer',
    description: 'Writes every buffered event now and answers once they are stored.',
  })
  @ApiResponse({ status: 200, description: 'Everything buffered is stored.', schema: schemaRef('FlushResult') })
  @ApiErrorResponses()
  flush(): Promise<{ flushed: true; events_stored: number }> {
    return this.ingestService.flush();
  }
}
