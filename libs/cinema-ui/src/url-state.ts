import { parseTime } from './time/nanos';

/** What a link holds: enough to open the same view (ARCHITECTURE.md: `/?trace=`, `/?event=`, `/?at=`, `/?from=&to=`). */
export interface UrlState {
  from?: bigint;
  to?: bigint;
  trace?: string;
  /** Only calls and events of this service. */
  service?: string;
  /** The time cursor. */
  at?: bigint;
  /** The selected event. */
  event?: string;
  live?: boolean;
}

/** Reads a query string; a value that does not parse is reported, not silently dropped. */
export function readUrlState(search: string, now?: bigint): { state: UrlState; problems: string[] } {
  const params = new URLSearchParams(search);
  const state: UrlState = {};
  const problems: string[] = [];
  for (const name of ['from', 'to', 'at'] as const) {
    const text = params.get(name);
    if (text === null || text === '') continue;
    const value = parseTime(text, now);
    if (value === undefined)
      problems.push(`${name}: "${text}" is not a time (nanoseconds, ISO-8601 or "5 minutes ago")`);
    else state[name] = value;
  }
  if (state.from !== undefined && state.to !== undefined && state.from > state.to) {
    problems.push('from is after to: the window is shown from to to from');
    [state.from, state.to] = [state.to, state.from];
  }
  const trace = params.get('trace');
  if (trace !== null && trace !== '') state.trace = trace;
  const service = params.get('service');
  if (service !== null && service !== '') state.service = service;
  const event = params.get('event');
  if (event !== null && event !== '') state.event = event;
  if (params.get('live') === '1') state.live = true;
  return { state, problems };
}

/** The query string for a view (`?` included, or '' when there is nothing to hold). */
export function writeUrlState(state: UrlState): string {
  const params = new URLSearchParams();
  if (state.from !== undefined) params.set('from', state.from.toString());
  if (state.to !== undefined) params.set('to', state.to.toString());
  if (state.trace !== undefined) params.set('trace', state.trace);
  if (state.service !== undefined) params.set('service', state.service);
  if (state.at !== undefined) params.set('at', state.at.toString());
  if (state.event !== undefined) params.set('event', state.event);
  if (state.live === true) params.set('live', '1');
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
