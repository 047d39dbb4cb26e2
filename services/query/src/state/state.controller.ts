import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';

import { serializeStateSnapshot } from '../api/response-serializers';
import { ApiErrorResponses, ApiJsonOk } from '../openapi/api-responses.decorator';
import { stateSnapshotSchema } from '../openapi/response.schemas';
import { RequestSignal } from '../request/request-signal.decorator';
import { StorageQueries } from '../storage/storage-queries';
import { idParam, timestampParam } from '../validation/query-params.schema';
import { ValidQuery } from '../validation/valid-params.decorator';

const stateQuery = z.strictObject({
  at: timestampParam('The instant: nanoseconds since the epoch or ISO-8601 with a zone.'),
  service: idParam('Only state and calls of this service.').optional(),
  trace_id: idParam('Only state and calls of this trace.').optional(),
});

/** Time travel: the state of the system at an instant. */
@ApiTags('state')
@ApiBearerAuth()
@Controller('v1/state')
export class StateController {
  constructor(@Inject(StorageQueries) private readonly queries: StorageQueries) {}

  @Get()
  @ApiOperation({
    summary: 'State at an instant',
    description:
      'For every key set by state_change (data.state) or variable_snapshot (data.variables) at or before `at`: its latest value and the event that set it (event_id, timestamp, service). Keys are per service, never merged across services (`service` narrows to one). Plus the calls entered at or before `at` with no matching exit at or before it. Each list holds at most MAX_RESULT_ROWS, and `state_truncated` / `active_calls_truncated` say when it was cut.',
  })
  @ApiJsonOk(stateSnapshotSchema, 'The state, who set it, and the active calls at `at`.')
  @ApiErrorResponses()
  async stateAt(@ValidQuery(stateQuery) query: z.output<typeof stateQuery>, @RequestSignal() signal: AbortSignal) {
    const snapshot = await this.queries.run('reconstructStateAt', signal, (storage, querySignal) =>
      storage.reconstructStateAt(query.at, { service: query.service, trace_id: query.trace_id, signal: querySignal }),
    );
    return serializeStateSnapshot(snapshot);
  }
}
