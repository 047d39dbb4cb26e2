import { useEffect, useRef } from 'preact/hooks';

import type { ApiCall } from '../api/types';
import { formatDuration, formatInstant } from '../time/nanos';
import { BANDS, CHART_TOP, chartHeight, hitCall, TimelineRenderer, type Scene } from './renderer';

/** Narrowest view: 100 ns across the canvas. */
const MIN_SPAN = 100;
/** Widest view: the API's default MAX_RANGE_SECONDS. */
const MAX_SPAN = 86_400e9;

export interface TimelineProps {
  scene: Omit<Scene, 'scrollY'>;
  /** The user zoomed or panned (offsets from the layout's origin). */
  onView: (start: number, end: number) => void;
  /** The user moved the time cursor (offset); `dragging` while the pointer is still down. */
  onCursor: (t: number, dragging: boolean) => void;
  /** Arrow keys: step the cursor to the previous (-1) or next (+1) event. */
  onStep: (direction: -1 | 1) => void;
  onSelectCall: (call: ApiCall) => void;
  onSelectEvent: (eventId: string) => void;
  /** Any pointer or key interaction (live mode pauses while the user scrubs). */
  onInteract: () => void;
}

type Drag =
  | { kind: 'pan'; x: number; y: number; start: number; end: number; scrollY: number; moved: boolean }
  | { kind: 'cursor' };

/**
 * The timeline: axis, density strip, event ticks and flame chart on one
 * canvas. Drawing is imperative (one requestAnimationFrame per change) so
 * panning never re-renders the component tree.
 */
export function Timeline(props: TimelineProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const renderer = useRef<TimelineRenderer | undefined>(undefined);
  const scrollY = useRef(0);
  const frame = useRef(0);
  const latest = useRef(props);
  latest.current = props;
  const tooltip = useRef<HTMLDivElement>(null);
  const drag = useRef<Drag | undefined>(undefined);

  const redraw = () => {
    if (frame.current !== 0) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const canvas = canvasRef.current;
      if (canvas === null || renderer.current === undefined) return;
      const scene = latest.current.scene;
      const maxScroll = Math.max(0, chartHeight(scene.layout) - (canvas.clientHeight - CHART_TOP));
      scrollY.current = Math.min(Math.max(0, scrollY.current), maxScroll);
      renderer.current.draw({ ...scene, scrollY: scrollY.current });
    });
  };

  useEffect(() => {
    const canvas = canvasRef.current!;
    renderer.current = new TimelineRenderer(canvas);
    const dark = matchMedia('(prefers-color-scheme: dark)');
    const onTheme = () => {
      renderer.current?.refreshTheme();
      redraw();
    };
    dark.addEventListener('change', onTheme);
    const resize = new ResizeObserver(redraw);
    resize.observe(canvas);
    // Not a Preact handler: wheel must be non-passive to stop the page from scrolling.
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      latest.current.onInteract();
      const { viewStart, viewEnd } = latest.current.scene;
      const span = viewEnd - viewStart;
      const rect = canvas.getBoundingClientRect();
      const at = viewStart + ((event.clientX - rect.left) / rect.width) * span;
      const unit = event.deltaMode === 1 ? 16 : 1;
      if (event.shiftKey && !event.ctrlKey) {
        scrollY.current += event.deltaY * unit;
        redraw();
        return;
      }
      let start = viewStart;
      let end = viewEnd;
      if (event.deltaX !== 0) {
        const shift = ((event.deltaX * unit) / rect.width) * span;
        start += shift;
        end += shift;
      }
      if (event.deltaY !== 0) {
        // A pinch arrives as ctrl+wheel with small deltas: zoom faster on it.
        const factor = Math.exp(event.deltaY * unit * (event.ctrlKey ? 0.01 : 0.0015));
        [start, end] = zoomAround(start, end, at, factor);
      }
      latest.current.onView(start, end);
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      dark.removeEventListener('change', onTheme);
      resize.disconnect();
      canvas.removeEventListener('wheel', onWheel);
      cancelAnimationFrame(frame.current);
    };
  }, []);

  useEffect(redraw, [props.scene]);

  const timeAt = (clientX: number): number => {
    const canvas = canvasRef.current!;
    const rect = canvas.getBoundingClientRect();
    const { viewStart, viewEnd } = latest.current.scene;
    return viewStart + ((clientX - rect.left) / rect.width) * (viewEnd - viewStart);
  };

  const onPointerDown = (event: PointerEvent) => {
    const canvas = canvasRef.current!;
    canvas.focus();
    canvas.setPointerCapture(event.pointerId);
    props.onInteract();
    const y = event.clientY - canvas.getBoundingClientRect().top;
    if (y < BANDS.axis + BANDS.strip) {
      drag.current = { kind: 'cursor' };
      props.onCursor(timeAt(event.clientX), true);
      return;
    }
    const { viewStart, viewEnd } = props.scene;
    drag.current = {
      kind: 'pan',
      x: event.clientX,
      y: event.clientY,
      start: viewStart,
      end: viewEnd,
      scrollY: scrollY.current,
      moved: false,
    };
  };

  const onPointerMove = (event: PointerEvent) => {
    const current = drag.current;
    if (current === undefined) {
      hover(event);
      return;
    }
    props.onInteract();
    if (current.kind === 'cursor') {
      props.onCursor(timeAt(event.clientX), true);
      return;
    }
    const dx = event.clientX - current.x;
    const dy = event.clientY - current.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) current.moved = true;
    if (!current.moved) return;
    const width = canvasRef.current!.clientWidth;
    const shift = (-dx / width) * (current.end - current.start);
    scrollY.current = current.scrollY - dy;
    props.onView(current.start + shift, current.end + shift);
    redraw();
  };

  const onPointerUp = (event: PointerEvent) => {
    const current = drag.current;
    drag.current = undefined;
    if (current === undefined) return;
    if (current.kind === 'cursor') {
      props.onCursor(timeAt(event.clientX), false);
      return;
    }
    if (current.moved) return;
    // A click, not a drag: select what is under the pointer, and put the cursor there.
    const canvas = canvasRef.current!;
    const rect = canvas.getBoundingClientRect();
    const y = event.clientY - rect.top;
    const t = timeAt(event.clientX);
    const { scene } = props;
    const pixelNs = (scene.viewEnd - scene.viewStart) / rect.width;
    if (y < CHART_TOP) {
      const tick = nearestTick(scene, t, pixelNs * 4);
      if (tick !== undefined) props.onSelectEvent(tick);
      props.onCursor(t, false);
      return;
    }
    const hit = hitCall(scene.layout, t, y - CHART_TOP + scrollY.current, scene.openEnd, pixelNs);
    if (hit !== undefined) props.onSelectCall(hit.call);
    props.onCursor(t, false);
  };

  const hover = (event: PointerEvent) => {
    const canvas = canvasRef.current!;
    const tip = tooltip.current!;
    const rect = canvas.getBoundingClientRect();
    const y = event.clientY - rect.top;
    const { scene } = props;
    const pixelNs = (scene.viewEnd - scene.viewStart) / rect.width;
    const hit =
      y >= CHART_TOP
        ? hitCall(scene.layout, timeAt(event.clientX), y - CHART_TOP + scrollY.current, scene.openEnd, pixelNs)
        : undefined;
    if (hit === undefined) {
      tip.hidden = true;
      return;
    }
    const c = hit.call;
    tip.hidden = false;
    tip.textContent = [
      `${c.function ?? c.ast_node_id ?? c.correlation_id}${c.error ? '  (error)' : ''}`,
      c.duration_ns === null ? 'open (no exit yet)' : formatDuration(Number(c.duration_ns)),
      `entered ${formatInstant(BigInt(c.entry_timestamp))}`,
      c.service === undefined ? '' : `service ${c.service}`,
    ]
      .filter((line) => line !== '')
      .join('\n');
    tip.style.left = `${Math.min(event.clientX - rect.left + 12, rect.width - 380)}px`;
    tip.style.top = `${y + 14}px`;
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const { viewStart, viewEnd, cursor } = props.scene;
    const span = viewEnd - viewStart;
    const centre = cursor !== undefined && cursor >= viewStart && cursor <= viewEnd ? cursor : viewStart + span / 2;
    let handled = true;
    props.onInteract();
    switch (event.key) {
      case 'ArrowLeft':
      case 'ArrowRight': {
        const direction = event.key === 'ArrowLeft' ? -1 : 1;
        if (event.shiftKey) props.onView(viewStart + direction * span * 0.1, viewEnd + direction * span * 0.1);
        else props.onStep(direction);
        break;
      }
      case '+':
      case '=':
        props.onView(...zoomAround(viewStart, viewEnd, centre, 0.6));
        break;
      case '-':
      case '_':
        props.onView(...zoomAround(viewStart, viewEnd, centre, 1 / 0.6));
        break;
      case 'ArrowUp':
        scrollY.current -= BANDS.row * 3;
        redraw();
        break;
      case 'ArrowDown':
        scrollY.current += BANDS.row * 3;
        redraw();
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  };

  return (
    <div class="timeline">
      <canvas
        ref={canvasRef}
        class="timeline-canvas"
        tabIndex={0}
        role="application"
        aria-label="Timeline. Left and right arrows step the cursor event by event; shift with arrows pans; plus and minus zoom; up and down scroll the lanes. Click a call to open it."
        data-testid="timeline"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => {
          if (tooltip.current !== null) tooltip.current.hidden = true;
        }}
        onKeyDown={onKeyDown}
      />
      <div ref={tooltip} class="tooltip" hidden role="tooltip" />
    </div>
  );
}

/** [start, end] scaled by `factor` around `at`, within MIN_SPAN..MAX_SPAN. */
export function zoomAround(start: number, end: number, at: number, factor: number): [number, number] {
  const span = end - start;
  const next = Math.min(MAX_SPAN, Math.max(MIN_SPAN, span * factor));
  const ratio = span === 0 ? 0.5 : (at - start) / span;
  const from = at - ratio * next;
  return [from, from + next];
}

function nearestTick(scene: TimelineProps['scene'], t: number, within: number): string | undefined {
  let best: string | undefined;
  let distance = within;
  for (const tick of scene.ticks) {
    const d = Math.abs(tick.t - t);
    if (d <= distance) {
      distance = d;
      best = tick.id;
    }
  }
  return best;
}
