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
  const entries = snapshot === undefined ? [] : Object.entries(snapshot.state).sort(([a], [b]) => a.localeCompare(b));
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
                {entries.map(([key, value]) => (
                  <tr key={key}>
                    <th scope="row">{key}</th>
                    <td>{shortJson(value, 120)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>
            Active calls <span class="count">{snapshot.active_calls.length}</span>
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
