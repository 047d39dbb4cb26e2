import type { StateSnapshot } from '../api/types';
import { formatInstant } from '../time/nanos';
import { shortJson } from './json-view';

export interface StatePanelProps {
  cursor: bigint | undefined;
  snapshot: StateSnapshot | undefined;
  loading: boolean;
  error: string | undefined;
  onSelectEvent: (eventId: string) => void;
}

/** The state at the time cursor (GET /v1/state) and the calls open then. */
export function StatePanel({ cursor, snapshot, loading, error, onSelectEvent }: StatePanelProps) {
  if (cursor === undefined) {
    return (
      <section class="panel" aria-labelledby="state-title" data-testid="state-panel">
        <h2 id="state-title">State</h2>
        <p class="hint">Click the timeline (or drag along its top strip) to place the time cursor.</p>
      </section>
    );
  }
  const entries = snapshot?.state ?? [];
  // Keys of different services are separate entries: name the service only when there are several.
  const services = new Set(entries.map((entry) => entry.service ?? ''));
  return (
    <section class="panel" aria-labelledby="state-title" data-testid="state-panel" aria-busy={loading}>
      <h2 id="state-title">
        State at <time data-testid="cursor-time">{formatInstant(cursor)}</time>
        {loading && <span class="spinner" aria-label="loading" />}
      </h2>
      {error !== undefined && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {snapshot !== undefined && (
        <>
          {entries.length === 0 ? (
            <p class="hint">No state was set at or before this instant.</p>
          ) : (
            <table class="kv" data-testid="state-values">
              <tbody>
                {entries.map((entry) => (
                  <tr key={`${entry.service ?? ''}\u0000${entry.key}`}>
                    <th scope="row">
                      <button
                        type="button"
                        class="link"
                        title={`set by ${entry.event_id} at ${formatInstant(BigInt(entry.timestamp))}${entry.service === undefined ? '' : ` (${entry.service})`}`}
                        onClick={() => onSelectEvent(entry.event_id)}
                      >
                        {services.size > 1 ? `${entry.service ?? '-'} · ${entry.key}` : entry.key}
                      </button>
                    </th>
                    <td>{shortJson(entry.value, 120)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {snapshot.state_truncated === true && (
            <p class="hint">More keys were set than the server answers at once: the first ones are shown.</p>
          )}
          <h3>
            Active calls <span class="count">{snapshot.active_calls.length}</span>
            {snapshot.active_calls_truncated === true && <span class="muted"> (first ones only)</span>}
          </h3>
          {snapshot.active_calls.length === 0 ? (
            <p class="hint">No call was running.</p>
          ) : (
            <ul class="list" data-testid="active-calls">
              {snapshot.active_calls.slice(0, 200).map((call) => (
                <li key={call.correlation_id}>
                  <button type="button" class="link" onClick={() => onSelectEvent(call.entry_event_id)}>
                    {call.function ?? call.ast_node_id ?? call.correlation_id}
                  </button>
                  <span class="muted"> {call.service ?? ''}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
