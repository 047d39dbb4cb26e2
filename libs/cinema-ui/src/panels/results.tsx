import type { ApiEvent } from '../api/types';
import type { SearchHit } from '../data';
import { formatInstant } from '../time/nanos';

export interface ResultsProps {
  title: string;
  hits?: SearchHit[];
  events?: ApiEvent[];
  message?: string;
  onSelectEvent: (eventId: string) => void;
  onOpenTrace: (traceId: string) => void;
  onService: (service: string) => void;
  onListEvents: (title: string, events: ApiEvent[]) => void;
  onClose: () => void;
}

/** What a search found, or a list of events (a correlation's, an AST node's). */
export function Results(props: ResultsProps) {
  return (
    <section class="panel results" aria-labelledby="results-title" data-testid="results">
      <h2 id="results-title">
        {props.title}
        <button type="button" class="close" aria-label="Close the results" onClick={props.onClose}>
          ×
        </button>
      </h2>
      {props.message !== undefined && (
        <p class="notice" role="status" data-testid="results-message">
          {props.message}
        </p>
      )}
      {props.hits !== undefined && (
        <ul class="list">
          {props.hits.map((hit) => (
            <li key={`${hit.kind}:${hit.id}`}>
              <HitLine hit={hit} {...props} />
            </li>
          ))}
        </ul>
      )}
      {props.events !== undefined && (
        <ol class="list events">
          {props.events.map((event) => (
            <li key={event.event_id}>
              <button type="button" class="link" onClick={() => props.onSelectEvent(event.event_id)}>
                {event.event_type} <code>{event.event_id}</code>
              </button>
              <span class="muted"> {formatInstant(BigInt(event.timestamp))}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function HitLine({ hit, ...props }: { hit: SearchHit } & ResultsProps) {
  switch (hit.kind) {
    case 'event':
      return (
        <button type="button" class="link" onClick={() => props.onSelectEvent(hit.id)}>
          Event {hit.id}: {hit.event.event_type} at {formatInstant(BigInt(hit.event.timestamp))}
        </button>
      );
    case 'trace':
      return (
        <button type="button" class="link" onClick={() => props.onOpenTrace(hit.id)}>
          Trace {hit.id}
        </button>
      );
    case 'correlation':
      return (
        <button type="button" class="link" onClick={() => props.onListEvents(`Correlation ${hit.id}`, hit.events)}>
          Correlation {hit.id}: {hit.events.length} events
        </button>
      );
    case 'ast-node':
      return (
        <button type="button" class="link" onClick={() => props.onListEvents(`AST node ${hit.id}`, hit.events)}>
          AST node {hit.id}: {hit.events.length}
          {hit.events.length === 50 ? '+' : ''} events
        </button>
      );
    case 'service':
      return (
        <button type="button" class="link" onClick={() => props.onService(hit.id)}>
          Service {hit.id}: {hit.events} events in the last day of data
        </button>
      );
  }
}
