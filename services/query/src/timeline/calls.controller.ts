import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrorResponses, ApiJsonOk } from '../openapi/api-responses.decorator';
import { RequestSignal } from '../request/request-signal.decorator';
import { StorageQueries } from '../storage/storage-queries';
import { ValidQuery } from '../validation/valid-params.decorator';
import { callPageSchema, serializeCallPage } from './timeline.responses';
import { callsQuery, type CallsQuery } from './timeline.schema';

/** The calls of a window, for timelines (the Cinema UI's flame chart). */
@ApiTags('calls')
@ApiBearerAuth()
@Controller('v1/calls')
export class CallsController {
  constructor(@Inject(StorageQueries) private readonly queries: StorageQueries) {}

  @Get()
  @ApiOperation({
    summary: 'Calls overlapping [from, to]',
    description:
      'Every call entered at or before `to` and not exited before `from` (open calls included, exit null), with entry, exit, duration, parent, AST node, service and an error mark, ordered by entry time, one page at a time.',
  })
  @ApiJsonOk(callPageSchema, 'One page of calls; follow next_cursor until it is null.')
  @ApiErrorResponses()
  async list(@ValidQuery(callsQuery) query: CallsQuery, @RequestSignal() signal: AbortSignal) {
    const { from, to, service, trace_id, limit, cursor } = query;
    const page = await this.queries.run('getCallsInWindow', signal, (storage, querySignal) =>
      storage.getCallsInWindow(from, to, { service, trace_id, limit, cursor, signal: querySignal }),
    );
    return serializeCallPage(page);
  }
}
