import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@temporal-bridge/service-kit';
import { clickHouseClient, freePort, repoPath } from '@temporal-bridge/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { at, cinemaDataset } from './__fixtures__/cinema-dataset';
import { createStandaloneApp } from './app/create-standalone-app';
import { loadStandaloneConfig } from './config/standalone.config';

/**
 * The Cinema UI in Debian's Chromium when things go wrong or the user takes
 * over: storage down (the test opens a second connection on the server's
 * embedded ClickHouse and detaches its database, the fault the ingest outage
 * test uses), a 4xx from the API, and live mode pausing while the user
 * scrubs. The standalone application runs in this process so that the test
 * can reach its ClickHouse (libchdb binds one data directory per process).
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = repoPath('libs/cinema-ui/test-artifacts');
const execFileAsync = promisify(execFile);

let dataDir: string;
let profileDir: string;
let app: NestFastifyApplication;
let admin: Awaited<ReturnType<typeof clickHouseClient>>;
let base: string;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[] = [];
/** Failed requests a test expects, as `status path` (the path without its query); each is allowed once it is listed. */
let expectedFailures: Array<{ status: number; path: RegExp }> = [];

beforeAll(async () => {
  // The UI the server serves is the build `npm run build` writes; build it so the test sees this source.
  await execFileAsync('npm', ['run', 'build', '--silent', '-w', '@temporal-bridge/cinema-ui'], { cwd: repoPath() });
  await mkdir(ARTIFACTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), 'cinema-faults-'));
  profileDir = await mkdtemp(join(tmpdir(), 'cinema-faults-chromium-'));
  const config = loadStandaloneConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  app = await createStandaloneApp(config, createLogger('cinema-faults', 'silent'));
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  admin = await clickHouseClient({ kind: 'embedded', dataDir: join(dataDir, 'clickhouse') });
  const ingest = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(cinemaDataset),
  });
  expect(ingest.status, await ingest.clone().text()).toBe(202);
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: 1280, height: 800 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  // Chromium logs a failed request as a console error without its URL in the text; the response says which it was.
  let failed: Array<{ status: number; path: string }> = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) failed = [];
  });
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push({ status: response.status(), path: new URL(response.url()).pathname });
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    const status = /status of (\d{3})/.exec(message.text());
    if (status !== null && url !== '') {
      const path = new URL(url).pathname;
      // The detail panel probes an event's AST node location: a 404 there is an answer (no manifest yet).
      if (status[1] === '404' && /^\/v1\/ast-nodes\/[^/]+$/.test(path)) return;
      const allowed = expectedFailures.some((f) => f.status === Number(status[1]) && f.path.test(path));
      if (allowed) return;
    }
    consoleErrors.push(`${message.text()} (${url}) [failed responses: ${JSON.stringify(failed)}]`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  await context.route(
    (url) => !url.href.startsWith(base) && !url.href.startsWith('data:'),
    (route) => {
      consoleErrors.push(`external request: ${route.request().url()}`);
      return route.abort();
    },
  );
}, 300_000);

afterEach(() => {
  expect(consoleErrors, 'console errors').toEqual([]);
  consoleErrors = [];
  expectedFailures = [];
});

afterAll(async () => {
  await context?.close();
  await admin?.close();
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(profileDir, { recursive: true, force: true });
});

/** expect.poll with room for a loaded CI machine (the default gives up after a second). */
function poll<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 15_000, interval: 50 });
}

const callList = () => page.getByTestId('call-list').locator('li').allTextContents();

describe('storage down', () => {
  it('says storage is unavailable, and Retry shows the data once it is back', async () => {
    // Only the API's 503s are expected; a 500 or a failure elsewhere still fails the test.
    expectedFailures = [{ status: 503, path: /^\/v1\// }];
    await admin.command({ query: 'DETACH DATABASE temporal_bridge' });
    let attached = false;
    try {
      await page.goto(`${base}/?from=${at(-500)}&to=${at(10_000)}`);
      await poll(() => page.getByTestId('error-message').textContent()).toBe(
        'Storage is unavailable: ClickHouse cannot be reached or cannot answer. Retry in a moment.',
      );
      expect(await page.getByRole('alert').locator('h2').textContent()).toBe('Cannot show this view');
      await page.screenshot({ path: join(ARTIFACTS, 'storage-down.png') });
      await admin.command({ query: 'ATTACH DATABASE temporal_bridge' });
      attached = true;
    } finally {
      if (!attached) await admin.command({ query: 'ATTACH DATABASE temporal_bridge' });
    }
    await page.getByRole('button', { name: 'Retry' }).click();
    await poll(() => page.getByTestId('chart-summary').textContent()).toMatch(/^4 calls in 2 lanes/);
    expect(await page.getByTestId('status').count()).toBe(0);
  });
});

describe('a 4xx from the API', () => {
  it('shows the message of the refusal', async () => {
    expectedFailures = [{ status: 400, path: /^\/v1\// }];
    // The API allows ids of at most 128 characters; the link itself is fine, so the API is asked and refuses.
    const long = 'T'.repeat(200);
    await page.goto(`${base}/?trace=${long}`);
    await poll(() => page.getByTestId('error-message').textContent()).toMatch(
      /^The API refused the request: .*must be at most 128 characters, got 200/,
    );
  });
});

describe('live mode while the user scrubs', () => {
  it('pauses, says so, ignores new events until resumed, then follows them', async () => {
    await page.goto(`${base}/?live=1`);
    await poll(() => page.getByTestId('chart-summary').textContent()).toMatch(/^4 calls in 2 lanes/);
    const liveButton = page.getByTestId('live');
    expect(await liveButton.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('live-paused').count()).toBe(0);

    await page.getByTestId('timeline').focus();
    await page.keyboard.press('ArrowLeft');
    await poll(() => page.getByTestId('live-paused').textContent()).toContain('Live mode is paused while you scrub');
    expect(await liveButton.textContent()).toBe('Resume live');
    expect(await liveButton.getAttribute('aria-pressed')).toBe('true');

    // While paused the UI does not poll, so an event arriving now is not shown.
    const polls: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (new URL(request.url()).pathname === '/v1/stats') polls.push(request.url());
    };
    page.on('request', onRequest);
    const ingest = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          event_id: 'ev-while-paused',
          event_type: 'function_entry',
          correlation_id: 'c-while-paused',
          trace_id: 'paused-T',
          service: 'shop',
          timestamp: at(30_000_000),
          data: { function: 'arrivedWhilePaused' },
        },
      ]),
    });
    expect(ingest.status).toBe(202);
    // Two live intervals (2 s each) pass without a poll.
    await page.waitForTimeout(4_500);
    expect(polls).toEqual([]);
    expect(await callList()).not.toContain('trace paused-T: arrivedWhilePaused (open)');
    await page.screenshot({ path: join(ARTIFACTS, 'live-paused.png') });

    await liveButton.click();
    await poll(() => liveButton.textContent()).toBe('Live ●');
    expect(await page.getByTestId('live-paused').count()).toBe(0);
    await poll(() => callList()).toContain('trace paused-T: arrivedWhilePaused (open)');
    expect(polls.length).toBeGreaterThan(0);
    page.off('request', onRequest);
  });

  it('dragging the cursor pauses it too', async () => {
    await page.goto(`${base}/?live=1`);
    await poll(() => page.getByTestId('chart-summary').textContent()).toMatch(/calls in \d+ lanes/);
    const box = (await page.getByTestId('timeline').boundingBox())!;
    // The axis and density strip band at the top of the canvas is where the cursor is dragged.
    await page.mouse.move(box.x + box.width * 0.3, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + 10, { steps: 5 });
    await page.mouse.up();
    await poll(() => page.getByTestId('live-paused').count()).toBe(1);
    expect(await page.getByTestId('cursor-time').textContent()).toMatch(/Z$/);
    expect(await page.getByTestId('live').textContent()).toBe('Resume live');
  });
});
