import { formatClock } from '../time/nanos';
import type { Layout, PlacedCall } from './layout';

/** A bucket of the density strip, as ns offsets from the layout's origin. */
export interface StripBucket {
  start: number;
  end: number;
  events: number;
  errors: number;
}

/** An event tick (events loaded for the view): offset, id, and whether it is an error. */
export interface EventTick {
  t: number;
  id: string;
  error: boolean;
}

/** Everything one frame shows; all times are ns offsets from `layout.origin`. */
export interface Scene {
  layout: Layout;
  viewStart: number;
  viewEnd: number;
  /** Where open calls stop: the end of the data asked for (the window's `to`). */
  openEnd: number;
  cursor: number | undefined;
  activeIds: ReadonlySet<string>;
  selectedCall: string | undefined;
  selectedEvent: string | undefined;
  strip: readonly StripBucket[];
  ticks: readonly EventTick[];
  scrollY: number;
}

/** Vertical bands of the canvas, in CSS pixels. */
export const BANDS = { axis: 22, strip: 36, ticks: 12, laneHeader: 15, row: 18 } as const;
export const CHART_TOP = BANDS.axis + BANDS.strip + BANDS.ticks + 4;

interface Palette {
  bg: string;
  fg: string;
  muted: string;
  grid: string;
  strip: string;
  error: string;
  cursor: string;
  active: string;
  selected: string;
  laneBg: string;
}

function palette(element: Element): Palette {
  const css = getComputedStyle(element);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--bg', '#fff'),
    fg: v('--fg', '#111'),
    muted: v('--muted', '#666'),
    grid: v('--grid', '#ddd'),
    strip: v('--strip', '#6b8fd6'),
    error: v('--error', '#d0342c'),
    cursor: v('--cursor', '#e08a00'),
    active: v('--active', '#e08a00'),
    selected: v('--selected', '#1f6feb'),
    laneBg: v('--lane-bg', '#f4f5f7'),
  };
}

/** Stable colour per function (or AST node): the same code has the same colour in every lane. */
function hueOf(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return (hash >>> 0) % 360;
}

/**
 * Draws a Scene on a canvas. Own canvas code rather than a flame-chart
 * library: the chart needs lanes per trace, open calls clipped to the
 * window, a time cursor with highlighted active calls and a density strip on
 * one time axis, with the API's nanosecond offsets; flame-chart-js brings
 * its own data model and UI around that, for more bytes than this file.
 * Each frame draws only what intersects the view, so 10,000 calls cost a
 * few milliseconds.
 */
export class TimelineRenderer {
  private colours: Palette;
  private readonly fills = new Map<string, string>();

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.colours = palette(canvas);
  }

  /** Re-reads the theme (light/dark follows the OS). */
  refreshTheme(): void {
    this.colours = palette(this.canvas);
    this.fills.clear();
  }

  draw(scene: Scene): void {
    const ratio = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (this.canvas.width !== Math.round(width * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const c = this.colours;
    ctx.fillStyle = c.bg;
    ctx.fillRect(0, 0, width, height);
    const span = Math.max(1, scene.viewEnd - scene.viewStart);
    const x = (t: number) => ((t - scene.viewStart) / span) * width;
    this.drawAxis(ctx, scene, width, height, x, span);
    this.drawStrip(ctx, scene, width, x);
    this.drawTicks(ctx, scene, x);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, CHART_TOP, width, height - CHART_TOP);
    ctx.clip();
    this.drawLanes(ctx, scene, width, x);
    ctx.restore();
    if (scene.cursor !== undefined) {
      const cx = Math.round(x(scene.cursor)) + 0.5;
      ctx.strokeStyle = c.cursor;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(cx, 0);
      ctx.lineTo(cx, height);
      ctx.stroke();
      ctx.fillStyle = c.cursor;
      ctx.beginPath();
      ctx.moveTo(cx - 6, 0);
      ctx.lineTo(cx + 6, 0);
      ctx.lineTo(cx, 9);
      ctx.fill();
    }
  }

  private drawAxis(
    ctx: CanvasRenderingContext2D,
    scene: Scene,
    width: number,
    height: number,
    x: (t: number) => number,
    span: number,
  ): void {
    const c = this.colours;
    const target = span / Math.max(2, width / 110);
    const step = niceStep(target);
    const first = Math.ceil(scene.viewStart / step) * step;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (let t = first; t <= scene.viewEnd; t += step) {
      const px = Math.round(x(t)) + 0.5;
      ctx.strokeStyle = c.grid;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(px, BANDS.axis - 5);
      ctx.lineTo(px, height);
      ctx.stroke();
      ctx.fillStyle = c.muted;
      ctx.fillText(formatClock(scene.layout.origin + BigInt(Math.round(t)), step), px + 3, BANDS.axis / 2);
    }
    ctx.strokeStyle = c.grid;
    ctx.beginPath();
    ctx.moveTo(0, BANDS.axis + 0.5);
    ctx.lineTo(width, BANDS.axis + 0.5);
    ctx.stroke();
  }

  private drawStrip(ctx: CanvasRenderingContext2D, scene: Scene, width: number, x: (t: number) => number): void {
    const c = this.colours;
    let max = 1;
    for (const b of scene.strip) max = Math.max(max, b.events);
    const top = BANDS.axis + 2;
    const h = BANDS.strip - 4;
    for (const b of scene.strip) {
      if (b.end < scene.viewStart || b.start > scene.viewEnd || b.events === 0) continue;
      const x0 = x(b.start);
      const w = Math.max(1, x(b.end) - x0 - 0.5);
      const bh = Math.max(1, (b.events / max) * h);
      ctx.fillStyle = c.strip;
      ctx.fillRect(x0, top + h - bh, w, bh);
      if (b.errors > 0) {
        const eh = Math.max(2, (b.errors / max) * h);
        ctx.fillStyle = c.error;
        ctx.fillRect(x0, top + h - eh, w, eh);
      }
    }
    void width;
  }

  private drawTicks(ctx: CanvasRenderingContext2D, scene: Scene, x: (t: number) => number): void {
    const c = this.colours;
    const top = BANDS.axis + BANDS.strip;
    for (const tick of scene.ticks) {
      if (tick.t < scene.viewStart || tick.t > scene.viewEnd) continue;
      const px = Math.round(x(tick.t));
      const selected = tick.id === scene.selectedEvent;
      ctx.fillStyle = selected ? c.selected : tick.error ? c.error : c.muted;
      ctx.fillRect(px - (selected ? 1.5 : 0.5), top + 1, selected ? 3 : 1, BANDS.ticks - 2);
    }
  }

  private drawLanes(ctx: CanvasRenderingContext2D, scene: Scene, width: number, x: (t: number) => number): void {
    const c = this.colours;
    const { layout } = scene;
    const top = CHART_TOP - scene.scrollY;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    layout.lanes.forEach((lane, index) => {
      const y = top + laneTop(layout, index);
      const h = BANDS.laneHeader + lane.rows * BANDS.row;
      if (y > this.canvas.clientHeight || y + h < CHART_TOP) return;
      ctx.fillStyle = index % 2 === 0 ? c.laneBg : c.bg;
      ctx.fillRect(0, y, width, h);
      ctx.fillStyle = c.muted;
      ctx.fillText(lane.label, 6, y + BANDS.laneHeader / 2);
    });
    for (const placed of layout.calls) {
      const end = Math.min(placed.end, scene.openEnd);
      if (end < scene.viewStart || placed.start > scene.viewEnd) continue;
      const y = top + rowTop(layout, placed);
      if (y > this.canvas.clientHeight || y + BANDS.row < CHART_TOP) continue;
      const x0 = Math.max(-2, x(placed.start));
      const x1 = Math.min(width + 2, x(end));
      const w = Math.max(1, x1 - x0);
      this.drawBar(ctx, scene, placed, x0, y + 1, w, BANDS.row - 2);
    }
  }

  private drawBar(
    ctx: CanvasRenderingContext2D,
    scene: Scene,
    placed: PlacedCall,
    x0: number,
    y: number,
    w: number,
    h: number,
  ): void {
    const c = this.colours;
    const { call } = placed;
    const name = call.function ?? call.ast_node_id ?? call.correlation_id;
    ctx.fillStyle = call.error ? c.error : this.fillOf(call.ast_node_id ?? name);
    ctx.fillRect(x0, y, w, h);
    const open = placed.end === Infinity;
    if (open && w > 8) {
      // Open call: a hatched end says "still running at the window's edge".
      ctx.fillStyle = c.bg;
      for (let i = 0; i < 3; i += 1) ctx.fillRect(x0 + w - 3 - i * 4, y, 1.5, h);
    }
    const selected = scene.selectedCall === call.correlation_id;
    const active = scene.activeIds.has(call.correlation_id);
    if (selected || active) {
      ctx.strokeStyle = selected ? c.selected : c.active;
      ctx.lineWidth = selected ? 2.5 : 2;
      ctx.strokeRect(x0 + 1, y + 1, Math.max(1, w - 2), h - 2);
    }
    if (w > 36) {
      const label = call.error ? `⚠ ${name}` : name;
      const chars = Math.floor((w - 8) / 6.2);
      ctx.fillStyle = '#fff';
      ctx.fillText(
        label.length > chars ? `${label.slice(0, Math.max(1, chars - 1))}…` : label,
        Math.max(x0, 0) + 4,
        y + h / 2 + 0.5,
      );
    }
  }

  private fillOf(key: string): string {
    let fill = this.fills.get(key);
    if (fill === undefined) {
      const dark = matchMedia('(prefers-color-scheme: dark)').matches;
      fill = `hsl(${hueOf(key)} 45% ${dark ? 38 : 42}%)`;
      this.fills.set(key, fill);
    }
    return fill;
  }
}

/** Pixels from the chart's top to a lane's header. */
export function laneTop(layout: Layout, lane: number): number {
  const info = layout.lanes[lane];
  return info === undefined ? 0 : info.firstRow * BANDS.row + lane * BANDS.laneHeader;
}

/** Pixels from the chart's top to a call's row. */
export function rowTop(layout: Layout, placed: PlacedCall): number {
  return laneTop(layout, placed.lane) + BANDS.laneHeader + placed.row * BANDS.row;
}

/** Height of every lane, in pixels. */
export function chartHeight(layout: Layout): number {
  return layout.totalRows * BANDS.row + layout.lanes.length * BANDS.laneHeader;
}

/** The placed call at a point of the chart (y from the chart's top, scroll included). */
export function hitCall(
  layout: Layout,
  t: number,
  y: number,
  openEnd: number,
  /** How far from a bar still hits it, ns: a bar is at least a pixel wide on screen. */
  slack = 0,
): PlacedCall | undefined {
  for (let i = layout.calls.length - 1; i >= 0; i -= 1) {
    const placed = layout.calls[i]!;
    const top = rowTop(layout, placed);
    if (y < top || y >= top + BANDS.row) continue;
    if (placed.start - slack <= t && Math.min(placed.end, openEnd) + slack >= t) return placed;
  }
  return undefined;
}

/** 1, 2 or 5 times a power of ten, at least `target` ns. */
export function niceStep(target: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, target)));
  for (const m of [1, 2, 5, 10]) if (m * power >= target) return m * power;
  return 10 * power;
}
