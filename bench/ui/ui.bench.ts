/**
 * bench/ui: the Cinema UI in Debian's Chromium (/usr/bin/chromium) against
 * the built standalone server holding a large dataset.
 *
 *   npm run bench:ui
 *   BENCH_EVENTS=200000 npm run bench:ui     # quicker
 *
 * Loads BENCH_EVENTS events (default 1,000,000) over an hour, including one
 * trace of 10,000 calls, then measures: first meaningful render (calls
 * drawn) of a one-minute window and of the big trace, frame times while
 * panning the big trace with the wheel, and cursor-to-state latency (click
 * on the strip until the state panel shows the answer for that instant).
 * Prints figures; asserts nothing. A shared machine makes them noisy.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildProjects } from '@temporal-bridge/testing';
import { chromium, type Page } from 'playwright-core';

import { ServiceChild } from '../service-child';
import { uiDataset } from './dataset';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const BIG_TRACE_CALLS = Number(process.env['BENCH_TRACE_CALLS'] ?? 10_000);
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

async function load(server: ServiceChild, end: bigint): Promise<ReturnType<typeof uiDataset>> {
  const dataset = uiDataset(EVENTS, BIG_TRACE_CALLS, end);
  const started = performance.now();
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  for (const body of dataset.batches(10_000)) {
    const post = (async () => {
      const answer = await fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body,
      });
      if (answer.status !== 202) throw new Error(`ingest answered ${answer.status}: ${await answer.text()}`);
      sent += body.split('\n').length;
    })();
    inFlight.add(post);
    void post.finally(() => inFlight.delete(post));
    if (inFlight.size >= 2) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  console.log(`loaded ${sent} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return dataset;
}

/** Where a first render's time went: the API requests as the browser saw them (resource timing). */
interface RenderBreakdown {
  /** Navigation start until the chart was drawn. */
  total: number;
  /** Per API route: requests, and the latest one's waiting for the first byte (server time) and download. */
  requests: Array<{ route: string; count: number; start: number; ttfb: number; download: number; kb: number }>;
}

/** Navigates and waits until the chart says its calls are loaded (and a frame has been drawn). */
async function firstRender(page: Page, url: string, calls: RegExp): Promise<number> {
  return (await firstRenderBreakdown(page, url, calls)).total;
}

async function firstRenderBreakdown(page: Page, url: string, calls: RegExp): Promise<RenderBreakdown> {
  const started = performance.now();
  await page.goto(url);
  await page.getByTestId('chart-summary').filter({ hasText: calls }).waitFor({ timeout: 60_000 });
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  const total = performance.now() - started;
  const requests = await page.evaluate<RenderBreakdown['requests']>(`(() => {
    const byRoute = new Map();
    for (const e of performance.getEntriesByType('resource')) {
      const route = new URL(e.name).pathname;
      if (!route.startsWith('/v1/')) continue;
      const seen = byRoute.get(route);
      byRoute.set(route, { route, count: (seen ? seen.count : 0) + 1, start: e.startTime, ttfb: e.responseStart - e.requestStart,
        download: e.responseEnd - e.responseStart, kb: Math.round(e.encodedBodySize / 1024) });
    }
    return [...byRoute.values()];
  })()`);
  return { total, requests };
}

const describeBreakdown = (b: RenderBreakdown): string =>
  b.requests
    .map(
      (r) =>
        `${r.route} x${r.count} (last: sent at ${fmt(r.start)}, server ${fmt(r.ttfb)}, download ${fmt(r.download)}, ${r.kb} KB)`,
    )
    .join('; ');

/** Wheel-pans the timeline for `ms`, one wheel event per frame; answers each frame's duration. */
async function panFrames(page: Page, ms: number): Promise<number[]> {
  const script = `new Promise((resolve) => {
    const canvas = document.querySelector('[data-testid=timeline]');
    const rect = canvas.getBoundingClientRect();
    const frames = [];
    let last = performance.now();
    const stop = last + ${ms};
    let direction = 1;
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      if (frames.length % 60 === 0) direction = -direction;
      canvas.dispatchEvent(new WheelEvent('wheel', { deltaX: 12 * direction, clientX: rect.left + rect.width / 2, clientY: rect.top + 120, bubbles: true, cancelable: true }));
      if (now < stop) requestAnimationFrame(tick); else resolve(frames.slice(2));
    };
    requestAnimationFrame(tick);
  })`;
  return page.evaluate<number[]>(script);
}

/** Clicks the strip at spread positions; time until the state panel is done for the new instant. */
async function cursorLatency(page: Page, clicks: number): Promise<number[]> {
  const box = (await page.getByTestId('timeline').boundingBox())!;
  const samples: number[] = [];
  for (let i = 0; i < clicks; i += 1) {
    const before = await page
      .getByTestId('cursor-time')
      .textContent()
      .catch(() => null);
    const started = performance.now();
    await page.mouse.click(box.x + box.width * (0.1 + (0.8 * i) / clicks), box.y + 40);
    await page.waitForFunction(
      `(() => { const p = document.querySelector('[data-testid=state-panel]'); const t = document.querySelector('[data-testid=cursor-time]');
        return p !== null && t !== null && t.textContent !== ${JSON.stringify(before)} && p.getAttribute('aria-busy') === 'false' && document.querySelector('[data-testid=active-calls], [data-testid=state-panel] .hint') !== null; })()`,
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    samples.push(performance.now() - started);
    await page.waitForTimeout(150);
  }
  return samples;
}

async function main(): Promise<void> {
  await buildProjects('services/standalone/tsconfig.app.json');
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-ui-'));
  const profileDir = await mkdtemp(join(tmpdir(), 'bench-ui-chromium-'));
  const server = await ServiceChild.start('standalone', { DATA_DIR: dataDir }, '/readyz');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 },
  });
  try {
    const end = (BigInt(Date.now()) - 300_000n) * 1_000_000n;
    const dataset = await load(server, end);
    const page = context.pages()[0] ?? (await context.newPage());
    const minuteFrom = dataset.start + 1_800_000_000_000n;
    const windowUrl = `${server.url}/?from=${minuteFrom}&to=${minuteFrom + 60_000_000_000n}`;
    await firstRender(page, windowUrl, /calls/); // warm: the browser's cache and ClickHouse's
    const windowMs: number[] = [];
    for (let i = 0; i < 3; i += 1) windowMs.push(await firstRender(page, windowUrl, /^\d+ calls/));
    const summary = await page.getByTestId('chart-summary').textContent();
    console.log(`first render, one-minute window (${summary}): ${windowMs.map(fmt).join(', ')}`);
    // BENCH_UI_PROFILE=<file>: a CPU profile of the page over this render (open it in Chrome's DevTools).
    const profileTo = process.env['BENCH_UI_PROFILE'];
    const cdp = profileTo === undefined ? undefined : await page.context().newCDPSession(page);
    await cdp?.send('Profiler.enable');
    await cdp?.send('Profiler.start');
    const breakdown = await firstRenderBreakdown(page, windowUrl, /^\d+ calls/);
    if (cdp !== undefined && profileTo !== undefined) {
      const { profile } = await cdp.send('Profiler.stop');
      await writeFile(profileTo, JSON.stringify(profile));
      await cdp.detach();
    }
    console.log(`  where one of them went (${fmt(breakdown.total)}): ${describeBreakdown(breakdown)}`);
    const traceUrl = `${server.url}/?trace=${dataset.bigTrace}`;
    const traceMs: number[] = [];
    for (let i = 0; i < 3; i += 1) traceMs.push(await firstRender(page, traceUrl, /^10000 calls/));
    console.log(`first render, ${BIG_TRACE_CALLS}-call trace: ${traceMs.map(fmt).join(', ')}`);
    const frames = await panFrames(page, 4000);
    console.log(
      `panning the ${BIG_TRACE_CALLS}-call trace: ${frames.length} frames, p50 ${fmt(percentile(frames, 0.5))}, p95 ${fmt(percentile(frames, 0.95))}, max ${fmt(Math.max(...frames))}`,
    );
    const latency = await cursorLatency(page, 20);
    console.log(
      `cursor to state (${latency.length} clicks): p50 ${fmt(percentile(latency, 0.5))}, p95 ${fmt(percentile(latency, 0.95))}`,
    );
  } catch (error) {
    // The server's last words, should it be the one that failed.
    console.error(`standalone output:\n${server.proc.output().slice(-4000)}`);
    throw error;
  } finally {
    await context.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(profileDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
