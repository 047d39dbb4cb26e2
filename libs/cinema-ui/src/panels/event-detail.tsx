import type { ApiEvent, AstNodeLocation, ExecutionPath } from '../api/types';
import { formatDuration, formatInstant } from '../time/nanos';
import { JsonView } from './json-view';

export interface EventDetailData {
  path: ExecutionPath;
  /** Every event of the target's correlation (its call): entry args, exit result or error. */
  call: ApiEvent[];
  /** From GET /v1/ast-nodes/{id}, when the route answers and knows the node. */
  location?: AstNodeLocation;
}

export interface EventDetailProps {
  eventId: string | undefined;
  data: EventDetailData | undefined;
  loading: boolean;
  error: string | undefined;
  onSelectEvent: (eventId: string) => void;
  onOpenTrace: (traceId: string) => void;
  onListCorrelation: (id: string) => void;
  onListAstNode: (id: string) => void;
  onClose: () => void;
}

/** The selected event: its data, its call, the path that led to it, and links. */
export function EventDetail(props: EventDetailProps) {
  const { eventId, data, loading, error } = props;
  if (eventId === undefined) {
    return (
      <section class="panel" aria-labelledby="detail-title" data-testid="event-detail">
        <h2 id="detail-title">Event</h2>
        <p class="hint">Click a call or an event tick on the timeline, or search for an id, to see it here.</p>
      </section>
    );
  }
  const target = data?.path.target;
  const entry = data?.call.find((e) => e.event_type === 'function_entry');
  const exit = data?.call.find((e) => e.event_type === 'function_exit');
  const errorEvent = data?.call.find((e) => e.event_type === 'error');
  return (
    <section class="panel" aria-labelledby="detail-title" data-testid="event-detail" aria-busy={loading}>
      <h2 id="detail-title">
        Event <code data-testid="detail-id">{eventId}</code>
        {loading && <span class="spinner" aria-label="loading" />}
        <button type="button" class="close" aria-label="Close the event" onClick={props.onClose}>
          ×
        </button>
      </h2>
      {error !== undefined && (
        <p class="error" role="alert" data-testid="detail-error">
          {error}
        </p>
      )}
      {target !== undefined && data !== undefined && (
        <>
          <dl class="facts">
            <dt>type</dt>
            <dd data-testid="detail-type">{target.event_type}</dd>
            <dt>time</dt>
            <dd>{formatInstant(BigInt(target.timestamp))}</dd>
            {target.service !== undefined && (
              <>
                <dt>service</dt>
                <dd>
                  {target.service}
                  {target.instance !== undefined ? ` (${target.instance})` : ''}
                </dd>
              </>
            )}
            <dt>correlation</dt>
            <dd>
              <button type="button" class="link" onClick={() => props.onListCorrelation(target.correlation_id)}>
                {target.correlation_id}
              </button>
            </dd>
            {target.trace_id !== undefined && (
              <>
                <dt>trace</dt>
                <dd>
                  <button type="button" class="link" onClick={() => props.onOpenTrace(target.trace_id!)}>
                    {target.trace_id}
                  </button>
                </dd>
              </>
            )}
            {target.ast_node_id !== undefined && (
              <>
                <dt>AST node</dt>
                <dd>
                  <button type="button" class="link" onClick={() => props.onListAstNode(target.ast_node_id!)}>
                    {target.ast_node_id}
                  </button>
                  {data.location !== undefined &&
                    data.location.locations.map((l) => (
                      <div class="muted" key={`${l.file}:${l.line}`} data-testid="source-location">
                        {l.file}:{l.line}:{l.column} {l.name}
                      </div>
                    ))}
                </dd>
              </>
            )}
            {exit?.duration_ns !== undefined && (
              <>
                <dt>call took</dt>
                <dd>{formatDuration(Number(exit.duration_ns))}</dd>
              </>
            )}
          </dl>
          {target.data !== undefined && (
            <>
              <h3>Data</h3>
              <JsonView value={target.data} />
            </>
          )}
          {entry !== undefined && entry.event_id !== target.event_id && entry.data?.['args'] !== undefined && (
            <>
              <h3>Arguments of its call</h3>
              <JsonView value={entry.data['args']} />
            </>
          )}
          {exit !== undefined && exit.event_id !== target.event_id && (
            <>
              <h3>{exit.data?.['error'] !== undefined ? 'Its call failed' : 'Its call returned'}</h3>
              <JsonView value={exit.data?.['error'] ?? exit.data?.['result'] ?? null} />
            </>
          )}
          {errorEvent !== undefined && errorEvent.event_id !== target.event_id && (
            <>
              <h3 class="error-text">Error in its call</h3>
              <button type="button" class="link" onClick={() => props.onSelectEvent(errorEvent.event_id)}>
                {errorEvent.event_id}
              </button>
              <JsonView value={errorEvent.data ?? {}} />
            </>
          )}
          <h3>
            Path to it <span class="count">{data.path.path.length} steps</span>
          </h3>
          {data.path.truncated && <p class="hint">Only the latest steps are shown.</p>}
          <ol class="path" data-testid="path">
            {data.path.path.map((step) => (
              <li
                key={step.event_id}
                class={`${step.on_stack ? 'on-stack' : ''} ${step.event_id === target.event_id ? 'target' : ''}`}
              >
                <button type="button" class="link" onClick={() => props.onSelectEvent(step.event_id)}>
                  <span class="mark" aria-label={step.on_stack ? 'on the stack' : undefined}>
                    {step.on_stack ? '●' : '○'}
                  </span>{' '}
                  {step.event_type} {describe(step)}
                </button>
              </li>
            ))}
          </ol>
          <p class="hint">● on the call stack of the event (its call or one of its callers).</p>
        </>
      )}
    </section>
  );
}

function describe(event: ApiEvent): string {
  const data = event.data ?? {};
  if (typeof data['function'] === 'string') return data['function'];
  if (event.event_type === 'state_change' && typeof data['state'] === 'object')
    return Object.keys(data['state'] ?? {}).join(', ');
  return event.ast_node_id ?? event.event_id;
}
