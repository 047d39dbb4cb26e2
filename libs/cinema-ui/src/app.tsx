import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';

import { api, ApiError, isAbort, setApiKey } from './api/client';
import type { ApiCall, ApiEvent, StateSnapshot } from './api/types';
import { loadCalls, MAX_TICKS, MAX_WINDOW_NS, NotFound, resolveView, searchId, type SearchHit } from './data';
import { EventDetail, type EventDetailData } from './panels/event-detail';
import { Results } from './panels/results';
import { StatePanel } from './panels/state-panel';
import { formatDuration, formatInstant, parseTime } from './time/nanos';
import { layoutCalls, type Layout } from './timeline/layout';
import type { EventTick, StripBucket } from './timeline/renderer';
import { Timeline } from './timeline/timeline';
import { readUrlState, writeUrlState, type UrlState } from './url-state';
import { useThrottled } from './use-throttled';

type Status =
  | { kind: 'loading'; message: string }
  | { kind: 'ready' }
  | { kind: 'empty' }
  | { kind: 'not-found'; message: string }
  | { kind: 'error'; message: string; needsKey?: boolean };

interface View {
  origin: bigint;
  start: number;
  end: number;
}

interface Chart {
  layout: Layout;
  from: bigint;
  to: bigint;
  truncated: boolean;
  /** Every call of the trace is loaded (not only the window's): panning needs no new request. */
  complete?: boolean;
}

interface ResultsState {
  title: string;
  hits?: SearchHit[];
  events?: ApiEvent[];
  message?: string;
}

/** A failure as a person should read it. */
function describeError(error: unknown): { message: string; needsKey?: boolean } {
  if (error instanceof ApiError) {
    if (error.status === 0) return { message: error.message };
    if (error.status === 401) return { message: `This server needs an API key: ${error.message}`, needsKey: true };
    if (error.status === 503) {
      // The API's message already opens with "storage is unavailable" and ends with "retry later": say each once.
      const reason = error.message.replace(/^storage is unavailable:\s*/i, '').replace(/[.;]?\s*retry later\.?$/i, '');
      return { message: `Storage is unavailable: ${reason}. Retry in a moment.` };
    }
    if (error.status === 504) return { message: `The query took too long: ${error.message}. Try a smaller window.` };
    if (error.status >= 400 && error.status < 500) return { message: `The API refused the request: ${error.message}` };
    return { message: `The server failed (${error.status}): ${error.message}` };
  }
  return { message: `Something went wrong: ${error instanceof Error ? error.message : String(error)}` };
}

/** The Cinema: one page, everything in the URL. */
export function App() {
  const [status, setStatus] = useState<Status>({ kind: 'loading', message: 'Opening…' });
  const [problems, setProblems] = useState<string[]>([]);
  const [view, setView] = useState<View | undefined>();
  const [filters, setFilters] = useState<{ trace?: string; service?: string }>({});
  const [chart, setChart] = useState<Chart | undefined>();
  const [chartLoading, setChartLoading] = useState(false);
  const [strip, setStrip] = useState<StripBucket[]>([]);
  const [windowEvents, setWindowEvents] = useState<number | undefined>();
  const [ticks, setTicks] = useState<Array<EventTick & { ns: bigint }>>([]);
  const [cursor, setCursor] = useState<bigint | undefined>();
  const [snapshot, setSnapshot] = useState<StateSnapshot | undefined>();
  const [stateError, setStateError] = useState<string | undefined>();
  const [stateLoading, setStateLoading] = useState(false);
  const [selected, setSelected] = useState<string | undefined>();
  const [selectedCall, setSelectedCall] = useState<string | undefined>();
  const [detail, setDetail] = useState<EventDetailData | undefined>();
  const [detailError, setDetailError] = useState<string | undefined>();
  const [detailLoading, setDetailLoading] = useState(false);
  const [results, setResults] = useState<ResultsState | undefined>();
  const [live, setLive] = useState(false);
  const [livePaused, setLivePaused] = useState(false);
  const [reload, setReload] = useState(0);
  const [query, setQuery] = useState('');
  const navigation = useRef<AbortController | undefined>(undefined);
  const callsRequest = useRef<AbortController | undefined>(undefined);

  // ----- navigation: what a link opens -----
  const navigate = useCallback(async (url: UrlState, history: 'push' | 'none' = 'none') => {
    navigation.current?.abort();
    callsRequest.current?.abort();
    const controller = new AbortController();
    navigation.current = controller;
    if (history === 'push') window.history.pushState(null, '', writeUrlState(url) || '/');
    setStatus({ kind: 'loading', message: 'Finding what the link points at…' });
    setLive(url.live === true);
    setLivePaused(false);
    try {
      const resolved = await resolveView(url, controller.signal);
      const origin = resolved.from;
      setView({ origin, start: 0, end: Number(resolved.to - resolved.from) });
      setFilters({ trace: resolved.trace, service: resolved.service });
      setCursor(resolved.cursor);
      setSelected(resolved.event);
      setSelectedCall(undefined);
      setResults(undefined);
      if (resolved.calls !== undefined) {
        setChart({
          layout: layoutCalls(resolved.calls.calls, origin),
          from: resolved.from,
          to: resolved.to,
          truncated: resolved.calls.truncated,
          complete: !resolved.calls.truncated,
        });
      } else {
        setChart(undefined);
      }
      setStatus(resolved.empty === true ? { kind: 'empty' } : { kind: 'ready' });
    } catch (error) {
      if (isAbort(error)) return;
      if (error instanceof NotFound) setStatus({ kind: 'not-found', message: error.message });
      else setStatus({ kind: 'error', ...describeError(error) });
    }
  }, []);

  useEffect(() => {
    const open = () => {
      const { state, problems: found } = readUrlState(window.location.search);
      setProblems(found);
      void navigate(state);
    };
    open();
    window.addEventListener('popstate', open);
    return () => window.removeEventListener('popstate', open);
  }, [navigate]);

  // ----- the calls and the density strip of the view -----
  const settledView = useThrottled(view, 200);
  useEffect(() => {
    if (settledView === undefined || status.kind === 'not-found' || status.kind === 'error') return;
    const { origin, start, end } = settledView;
    const from = origin + BigInt(Math.floor(Math.max(start, -Number(origin))));
    const to = origin + BigInt(Math.ceil(end));
    const controller = new AbortController();
    const span = to - from;
    const stale =
      chart === undefined ||
      (chart.complete !== true && (from < chart.from || to > chart.to)) ||
      (chart.truncated && span * 3n < chart.to - chart.from) ||
      reload > 0;
    if (stale && status.kind !== 'empty') {
      callsRequest.current?.abort();
      callsRequest.current = controller;
      // Load a margin around the view so that small pans need no request; not for the first chart of a
      // view: it would triple the calls to wait for, and past MAX_CALLS cut off the end of the view itself.
      let margin = chart === undefined ? 0n : span / 2n;
      if (span + 2n * margin > MAX_WINDOW_NS)
        margin = (MAX_WINDOW_NS - span) / 2n > 0n ? (MAX_WINDOW_NS - span) / 2n : 0n;
      const wantFrom = from - margin < 0n ? 0n : from - margin;
      const wantTo = to + margin;
      setChartLoading(true);
      loadCalls({ from: wantFrom, to: wantTo, trace_id: filters.trace, service: filters.service }, controller.signal)
        .then((loaded) => {
          setChart({
            layout: layoutCalls(loaded.calls, origin),
            from: wantFrom,
            to: wantTo,
            truncated: loaded.truncated,
          });
          setChartLoading(false);
          if (reload > 0) setReload(0);
        })
        .catch((error: unknown) => {
          if (isAbort(error)) return;
          setChartLoading(false);
          setStatus({ kind: 'error', ...describeError(error) });
        });
    }
    const buckets = Math.max(20, Math.min(2000, Math.floor(window.innerWidth / 3)));
    api
      .histogram({ from, to: to > from ? to : from + 1n, buckets, service: filters.service }, controller.signal)
      .then(async (histogram) => {
        const width = Number(histogram.bucket_ns);
        setStrip(
          histogram.buckets.map((b) => {
            const s = Number(BigInt(b.start) - origin);
            return { start: s, end: s + width, events: b.events, errors: b.errors };
          }),
        );
        const total = histogram.buckets.reduce((sum, b) => sum + b.events, 0);
        setWindowEvents(total);
        if (total === 0 || total > MAX_TICKS) {
          setTicks([]);
          return;
        }
        const page = await api.events({ from, to, service: filters.service, limit: MAX_TICKS }, controller.signal);
        setTicks(
          page.events
            .filter((e) => filters.trace === undefined || e.trace_id === filters.trace)
            .map((e) => {
              const ns = BigInt(e.timestamp);
              const data = e.data ?? {};
              return {
                ns,
                t: Number(ns - origin),
                id: e.event_id,
                error: e.event_type === 'error' || data['error'] !== undefined,
              };
            }),
        );
      })
      .catch((error: unknown) => {
        if (isAbort(error)) return;
        setStatus({ kind: 'error', ...describeError(error) });
      });
    return () => controller.abort();
    // chart is read, not watched: a new chart must not ask for itself again.
  }, [settledView, filters, reload, status.kind]);

  // ----- the state at the cursor -----
  const settledCursor = useThrottled(cursor, 120);
  useEffect(() => {
    if (settledCursor === undefined) {
      setSnapshot(undefined);
      return;
    }
    const controller = new AbortController();
    setStateLoading(true);
    api
      .state({ at: settledCursor, trace_id: filters.trace }, controller.signal)
      .then((answer) => {
        setSnapshot(answer);
        setStateError(undefined);
        setStateLoading(false);
      })
      .catch((error: unknown) => {
        if (isAbort(error)) return;
        setStateLoading(false);
        setStateError(describeError(error).message);
      });
    // A newer cursor position cancels this request: only the latest answer is shown.
    return () => controller.abort();
  }, [settledCursor, filters.trace]);

  // ----- the selected event -----
  const settledSelection = useThrottled(selected, 80);
  useEffect(() => {
    if (settledSelection === undefined) {
      setDetail(undefined);
      setDetailError(undefined);
      return;
    }
    const controller = new AbortController();
    setDetailLoading(true);
    (async () => {
      const path = await api.path(settledSelection, controller.signal);
      const node = path.target.ast_node_id;
      const [call, location] = await Promise.all([
        api.correlation(path.target.correlation_id, 500, controller.signal),
        // The location route comes with the instrumentation manifest; until a server has it, the id alone is shown.
        node === undefined ? undefined : api.nodeLocation(node, controller.signal).catch(() => undefined),
      ]);
      setDetail({ path, call: call.events, location });
      setSelectedCall(path.target.correlation_id);
      setDetailError(undefined);
      setDetailLoading(false);
    })().catch((error: unknown) => {
      if (isAbort(error)) return;
      setDetailLoading(false);
      setDetail(undefined);
      setDetailError(
        error instanceof ApiError && error.status === 404
          ? `No event "${settledSelection}" is stored.`
          : describeError(error).message,
      );
    });
    return () => controller.abort();
  }, [settledSelection]);

  // ----- the URL follows what is on screen -----
  const onScreen = useMemo(() => ({ view, filters, cursor, selected, live }), [view, filters, cursor, selected, live]);
  const settledUrl = useThrottled(onScreen, 300);
  useEffect(() => {
    const v = settledUrl.view;
    if (v === undefined || status.kind !== 'ready') return;
    const search = writeUrlState({
      from: v.origin + BigInt(Math.round(v.start)),
      to: v.origin + BigInt(Math.round(v.end)),
      trace: settledUrl.filters.trace,
      service: settledUrl.filters.service,
      at: settledUrl.cursor,
      event: settledUrl.selected,
      live: settledUrl.live,
    });
    if (search !== window.location.search) window.history.replaceState(null, '', search || '/');
  }, [settledUrl, status.kind]);

  // ----- live mode: follow new events, paused while the user scrubs -----
  // Paused until the user resumes it: following new data would move the view out from under the cursor.
  useEffect(() => {
    if (!live || livePaused) return;
    const poll = () => {
      api
        .stats()
        .then((stats) => {
          const newest = stats.storage.newest_timestamp;
          if (newest === null) return;
          if (status.kind === 'empty') {
            void navigate({ live: true });
            return;
          }
          setView((current) => {
            if (current === undefined) return current;
            const end = Number(BigInt(newest) - current.origin);
            if (end <= current.end - (current.end - current.start) * 0.02) return current;
            const span = current.end - current.start;
            const nextEnd = end + span * 0.02;
            return { ...current, start: nextEnd - span, end: nextEnd };
          });
          setReload((n) => n + 1);
        })
        .catch(() => undefined);
    };
    const timer = setInterval(poll, 2000);
    return () => clearInterval(timer);
  }, [live, livePaused, status.kind, navigate]);

  // ----- derived -----
  const activeIds = useMemo(() => {
    if (snapshot !== undefined && cursor !== undefined && BigInt(snapshot.at) === cursor) {
      return new Set(snapshot.active_calls.map((c) => c.correlation_id));
    }
    // Until the server answers for this instant, the calls drawn across it stand in.
    const ids = new Set<string>();
    if (cursor === undefined || chart === undefined || view === undefined) return ids;
    const t = Number(cursor - view.origin);
    for (const placed of chart.layout.calls)
      if (placed.start <= t && placed.end > t) ids.add(placed.call.correlation_id);
    return ids;
  }, [snapshot, cursor, chart, view]);

  const emptyLayout = useMemo(() => layoutCalls([], view?.origin ?? 0n), [view?.origin]);
  const scene = useMemo(
    () =>
      view === undefined
        ? undefined
        : {
            layout: chart?.layout ?? emptyLayout,
            viewStart: view.start,
            viewEnd: view.end,
            openEnd: chart === undefined ? view.end : Number(chart.to - view.origin),
            cursor: cursor === undefined ? undefined : Number(cursor - view.origin),
            activeIds,
            selectedCall,
            selectedEvent: selected,
            strip,
            ticks,
          },
    [view, chart, cursor, activeIds, selectedCall, selected, strip, ticks, emptyLayout],
  );

  // ----- actions -----
  const interact = () => {
    if (live) setLivePaused(true);
  };
  const onView = (start: number, end: number) => setView((v) => (v === undefined ? v : { ...v, start, end }));
  const onCursor = (t: number) => {
    if (view === undefined) return;
    setCursor(view.origin + BigInt(Math.round(t)));
  };
  const selectEvent = (eventId: string) => {
    setSelected(eventId);
    const tick = ticks.find((x) => x.id === eventId);
    if (tick !== undefined) setCursor(tick.ns);
  };
  const selectCall = (call: ApiCall) => {
    setSelectedCall(call.correlation_id);
    setSelected(call.entry_event_id);
  };
  const openEvent = (eventId: string) => {
    // Inside the loaded view: select it in place; otherwise open it as a link would.
    if (ticks.some((t) => t.id === eventId) || chart?.layout.calls.some((c) => c.call.entry_event_id === eventId)) {
      selectEvent(eventId);
      return;
    }
    void navigate({ event: eventId }, 'push');
  };
  const step = (direction: -1 | 1) => {
    if (view === undefined) return;
    const here = cursor ?? view.origin + BigInt(Math.round(direction > 0 ? view.start : view.end));
    let best: { ns: bigint; id?: string } | undefined;
    const consider = (ns: bigint, id?: string) => {
      if (direction > 0 ? ns <= here : ns >= here) return;
      if (best === undefined || (direction > 0 ? ns < best.ns : ns > best.ns)) best = { ns, id };
    };
    if (ticks.length > 0) for (const t of ticks) consider(t.ns, t.id);
    else
      for (const placed of chart?.layout.calls ?? []) {
        consider(BigInt(placed.call.entry_timestamp), placed.call.entry_event_id);
        if (placed.call.exit_timestamp !== null)
          consider(BigInt(placed.call.exit_timestamp), placed.call.exit_event_id);
      }
    if (best === undefined) {
      if (direction > 0) void stepBeyond(here);
      return;
    }
    moveCursorTo(best.ns, best.id);
  };
  /** The next event after the loaded ones, asked of the server (the view may end before the data does). */
  const stepBeyond = async (here: bigint) => {
    const page = await api.events({ from: here + 1n, to: here + MAX_WINDOW_NS, service: filters.service, limit: 200 });
    const next = page.events.find((e) => filters.trace === undefined || e.trace_id === filters.trace);
    if (next !== undefined) moveCursorTo(BigInt(next.timestamp), next.event_id);
  };
  const moveCursorTo = (ns: bigint, id: string | undefined) => {
    if (view === undefined) return;
    setCursor(ns);
    if (id !== undefined) setSelected(id);
    const t = Number(ns - view.origin);
    if (t < view.start || t > view.end) {
      const span = view.end - view.start;
      setView({ ...view, start: t - span / 2, end: t + span / 2 });
    }
  };
  const zoom = (factor: number) => {
    if (view === undefined) return;
    const centre = cursor !== undefined ? Number(cursor - view.origin) : (view.start + view.end) / 2;
    const span = (view.end - view.start) * factor;
    setView({ ...view, start: centre - span / 2, end: centre + span / 2 });
  };
  const openTrace = (trace: string) => void navigate({ trace }, 'push');
  const listEvents = (title: string, events: ApiEvent[]) =>
    setResults({ title, events, message: events.length === 0 ? 'No events.' : undefined });
  const listCorrelation = (id: string) => {
    api
      .correlation(id, 500)
      .then((page) => listEvents(`Correlation ${id}`, page.events))
      .catch((error: unknown) => setResults({ title: `Correlation ${id}`, message: describeError(error).message }));
  };
  const listAstNode = (id: string) => {
    api
      .nodeEvents(id, 500)
      .then((page) => listEvents(`Every execution of AST node ${id}`, page.events))
      .catch((error: unknown) => setResults({ title: `AST node ${id}`, message: describeError(error).message }));
  };

  const search = async (text: string) => {
    const input = text.trim();
    if (input === '') return;
    const time = /^\d{1,19}$/.test(input) && input.length < 16 ? undefined : parseTime(input);
    if (time !== undefined && view !== undefined) {
      setResults(undefined);
      setCursor(time);
      const t = Number(time - view.origin);
      if (t < view.start || t > view.end)
        void navigate({ at: time, trace: filters.trace, service: filters.service }, 'push');
      return;
    }
    setResults({ title: `Searching for "${input}"…` });
    try {
      const hits = await searchId(input);
      if (hits.length === 0) {
        setResults({
          title: `Search: ${input}`,
          message: `Nothing matches "${input}": no event, correlation, trace, AST node or service has that id, and it is not a time (try an ISO instant, nanoseconds or "5 minutes ago").`,
        });
        return;
      }
      const only = hits.length === 1 ? hits[0]! : undefined;
      if (only?.kind === 'event') {
        setResults(undefined);
        openEvent(only.id);
        return;
      }
      if (only?.kind === 'trace') {
        setResults(undefined);
        openTrace(only.id);
        return;
      }
      setResults({ title: `Search: ${input}`, hits });
    } catch (error) {
      setResults({ title: `Search: ${input}`, message: describeError(error).message });
    }
  };

  // ----- render -----
  // Same element object while the chart is the same: Preact skips it when the view pans.
  const callList = useMemo(() => <CallList layout={chart?.layout} />, [chart]);
  const spanText = view === undefined ? '' : formatDuration(view.end - view.start);
  const callsInChart = chart?.layout.calls.length ?? 0;
  return (
    <div class="app">
      <header class="top">
        <h1>
          <a href="/" aria-label="Cinema home">
            Cinema
          </a>
        </h1>
        <form
          class="search"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            void search(query);
          }}
        >
          <label for="search-input" class="visually-hidden">
            Search an event, correlation, trace, AST node or service id, or a time
          </label>
          <input
            id="search-input"
            data-testid="search"
            type="search"
            placeholder='Event, correlation, trace, AST node, service id, or a time ("5 minutes ago")'
            value={query}
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Go</button>
        </form>
        <div class="controls">
          <button type="button" onClick={() => zoom(0.5)} aria-label="Zoom in">
            +
          </button>
          <button type="button" onClick={() => zoom(2)} aria-label="Zoom out">
            −
          </button>
          <button
            type="button"
            aria-pressed={live}
            data-testid="live"
            onClick={() => {
              // Paused: the button resumes following; otherwise it turns live mode on or off.
              if (live && livePaused) setLivePaused(false);
              else setLive((on) => !on);
            }}
            title={live && livePaused ? 'Resume following new events' : 'Follow new events as they arrive'}
          >
            {live ? (livePaused ? 'Resume live' : 'Live ●') : 'Live'}
          </button>
        </div>
      </header>
      <div class="subbar" aria-live="polite">
        {view !== undefined && (
          <span data-testid="window">
            {formatInstant(view.origin + BigInt(Math.round(view.start)))} → {spanText}
          </span>
        )}
        {filters.trace !== undefined && (
          <span class="chip" data-testid="trace-filter">
            trace {filters.trace}
            <button
              type="button"
              aria-label="Show all traces"
              onClick={() => void navigate({ at: cursor, event: selected }, 'push')}
            >
              ×
            </button>
          </span>
        )}
        {filters.service !== undefined && (
          <span class="chip">
            service {filters.service}
            <button
              type="button"
              aria-label="Show all services"
              onClick={() => setFilters({ ...filters, service: undefined })}
            >
              ×
            </button>
          </span>
        )}
        <span class="muted" data-testid="chart-summary">
          {chart === undefined
            ? ''
            : `${callsInChart} calls in ${chart.layout.lanes.length} lanes${chart.truncated ? ' (the first 10,000: zoom in for the rest)' : ''}`}
          {windowEvents !== undefined ? ` · ${windowEvents} events in view` : ''}
          {chartLoading ? ' · loading…' : ''}
        </span>
      </div>
      {live && livePaused && (
        <p class="notice" role="status" data-testid="live-paused">
          Live mode is paused while you scrub: new events are not followed until you press Resume live.
        </p>
      )}
      {problems.map((p) => (
        <p class="notice" role="status" key={p}>
          The link has a problem: {p}
        </p>
      ))}
      <main class="main">
        <div class="chart-area" data-ticks={ticks.length}>
          {scene !== undefined && (
            <Timeline
              scene={scene}
              onView={onView}
              onCursor={onCursor}
              onStep={step}
              onSelectCall={selectCall}
              onSelectEvent={selectEvent}
              onInteract={interact}
            />
          )}
          <StatusOverlay
            status={status}
            hasCalls={callsInChart > 0}
            events={windowEvents}
            retry={() => void navigate(readUrlState(window.location.search).state)}
          />
        </div>
        <div class="panels">
          <StatePanel
            cursor={cursor}
            snapshot={snapshot}
            loading={stateLoading}
            error={stateError}
            onSelectEvent={openEvent}
          />
          {results !== undefined ? (
            <Results
              {...results}
              onSelectEvent={(id) => openEvent(id)}
              onOpenTrace={openTrace}
              onService={(service) => {
                setResults(undefined);
                setFilters({ ...filters, service });
              }}
              onListEvents={listEvents}
              onClose={() => setResults(undefined)}
            />
          ) : null}
          <EventDetail
            eventId={selected}
            data={detail}
            loading={detailLoading}
            error={detailError}
            onSelectEvent={openEvent}
            onOpenTrace={openTrace}
            onListCorrelation={listCorrelation}
            onListAstNode={listAstNode}
            onClose={() => {
              setSelected(undefined);
              setSelectedCall(undefined);
            }}
          />
        </div>
      </main>
      {callList}
    </div>
  );
}

function StatusOverlay(props: { status: Status; hasCalls: boolean; events: number | undefined; retry: () => void }) {
  const { status } = props;
  switch (status.kind) {
    case 'loading':
      return (
        <div class="overlay" role="status" data-testid="status">
          <span class="spinner" /> {status.message}
        </div>
      );
    case 'empty':
      return (
        <div class="overlay message" role="status" data-testid="status">
          <h2>No events yet</h2>
          <p>Nothing is stored on this server. To send some:</p>
          <ul>
            <li>
              run <code>npm run demo</code> (an instrumented demo shop),
            </li>
            <li>
              start your app with <code>node --import @temporal-bridge/instrumentation/register app.js</code> and{' '}
              <code>TB_ENDPOINT={window.location.origin}</code>,
            </li>
            <li>
              or <code>POST {window.location.origin}/v1/events</code> a JSON array (or NDJSON) of events.
            </li>
          </ul>
          <p>Turn on Live to see them arrive.</p>
        </div>
      );
    case 'not-found':
      return (
        <div class="overlay message" role="alert" data-testid="status">
          <h2>Not found</h2>
          <p data-testid="not-found">{status.message}</p>
          <p>
            Check the id, or <a href="/">open the latest events</a>. Events older than the retention period are gone.
          </p>
        </div>
      );
    case 'error':
      return (
        <div class="overlay message" role="alert" data-testid="status">
          <h2>Cannot show this view</h2>
          <p data-testid="error-message">{status.message}</p>
          {status.needsKey === true && <KeyForm onDone={props.retry} />}
          <button type="button" onClick={props.retry}>
            Retry
          </button>
        </div>
      );
    case 'ready':
      if (!props.hasCalls && props.events !== undefined)
        return (
          <div class="overlay hint-overlay" role="status" data-testid="status">
            No calls in this window{props.events > 0 ? ` (${props.events} events)` : ''}: zoom out, or search for an id.
          </div>
        );
      return null;
  }
}

function KeyForm({ onDone }: { onDone: () => void }) {
  const [key, setKey] = useState('');
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setApiKey(key);
        onDone();
      }}
    >
      <label>
        API key <input type="password" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Use it</button>
    </form>
  );
}

/** The calls of the chart as text: for screen readers, and for finding one by name. */
function CallList({ layout }: { layout: Layout | undefined }) {
  if (layout === undefined || layout.calls.length === 0) return null;
  return (
    <details class="call-list">
      <summary>
        Calls as a list ({Math.min(500, layout.calls.length)} of {layout.calls.length})
      </summary>
      <ul data-testid="call-list">
        {layout.calls.slice(0, 500).map((placed) => (
          <li
            key={placed.call.correlation_id}
            data-correlation={placed.call.correlation_id}
            data-error={String(placed.call.error)}
          >
            {layout.lanes[placed.lane]?.label}:{' '}
            {placed.call.function ?? placed.call.ast_node_id ?? placed.call.correlation_id}{' '}
            {placed.call.duration_ns === null ? '(open)' : formatDuration(Number(placed.call.duration_ns))}
            {placed.call.error ? ' (error)' : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}
