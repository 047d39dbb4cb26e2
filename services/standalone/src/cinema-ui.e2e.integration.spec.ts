import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@temporal-bridge/service-kit';
import {
  buildProjects,
  clickHouseClient,
  freePort,
  pollUntil,
  repoPath,
  TetheredProcess,
} from '@temporal-bridge/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { at, cinemaDataset } from './__fixtures__/cinema-dataset';
import { createStandaloneApp } from './app/create-standalone-app';
import { loadStandaloneConfig } from './config/standalone.config';

/**
 * The Cinema UI in Debian's Chromium (never a downloaded browser) against
 * the real standalone process holding a known dataset: deep links, cursor,
 * event detail, search, not-found, no console errors. Screenshots of the
 * main views go to libs/cinema-ui/test-artifacts (gitignored).
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = repoPath('libs/cinema-ui/test-artifacts');
const execFileAsync = promisify(execFile);

let dataDir: string;
let profileDir: string;
let server: TetheredProcess | undefined;
let base: string;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[] = [];
/** Origins the page may reach: the servers under test (anything else would break air-gapped use). */
const origins: string[] = [];
/** Failed API requests a test expects (Chromium logs each as a console error): status and path. */
let expectedFailures: Array<{ status: number; path: RegExp }> = [];

beforeAll(async () => {
  await Promise.all([
    buildProjects('services/standalone/tsconfig.app.json'),
    // The UI the servers serve is the build `npm run build` writes; build it so the test sees this source.
    execFileAsync('npm', ['run', 'build', '--silent', '-w', '@temporal-bridge/cinema-ui'], { cwd: repoPath() }),
  ]);
  await mkdir(ARTIFACTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), 'cinema-e2e-'));
  profileDir = await mkdtemp(join(tmpdir(), 'cinema-chromium-'));
  const port = await freePort();
  server = TetheredProcess.spawn(process.execPath, [repoPath('services/standalone/dist/main.js')], {
    tether: true,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  base = `http://127.0.0.1:${port}`;
  origins.push(base);
  await pollUntil(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 60_000,
    intervalMs: 100,
    description: `standalone ready\n${server.output()}`,
  });
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // The UI probes ids (search, AST node location): a 404 there is an answer, which Chromium logs as a failed resource.
    const url = message.location().url;
    const probe = /\/v1\/(events\/[^/]+\/path|ast-nodes\/[^/]+|correlations\/[^/]+\/events)(\?|$)/.test(url);
    if (probe && message.text().includes('404')) return;
    const status = /status of (\d{3})/.exec(message.text());
    if (status !== null && url !== '') {
      const path = new URL(url).pathname;
      if (expectedFailures.some((f) => f.status === Number(status[1]) && f.path.test(path))) return;
    }
    consoleErrors.push(`${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  // Requests outside the server under test would break air-gapped use.
  await context.route(
    (url) => !origins.some((origin) => url.href.startsWith(origin)) && !url.href.startsWith('data:'),
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
  if (server !== undefined) {
    await server.signal('SIGTERM');
    await server.exited;
  }
  await rm(dataDir, { recursive: true, force: true });
  await rm(profileDir, { recursive: true, force: true });
});

/** expect.poll with room for a loaded CI machine (the default gives up after a second). */
function poll<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 15_000, interval: 50 });
}

async function open(query: string): Promise<void> {
  await page.goto(`${base}/${query}`);
}

const callList = () => page.getByTestId('call-list').locator('li').allTextContents();

/** The state panel's key/value rows. */
async function stateValues(): Promise<Record<string, string>> {
  const rows = await page.getByTestId('state-values').locator('tr').all();
  const pairs = await Promise.all(
    rows.map(async (row) => [
      (await row.locator('th').textContent()) ?? '',
      (await row.locator('td').textContent()) ?? '',
    ]),
  );
  return Object.fromEntries(pairs) as Record<string, string>;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

describe('an empty store', () => {
  it('says there is no data yet and how to send some', async () => {
    await open('');
    await poll(() => page.getByTestId('status').textContent()).toContain('No events yet');
    expect(await page.getByTestId('status').textContent()).toContain('npm run demo');
    await shot('empty');
  });
});

describe('the dataset', () => {
  beforeAll(async () => {
    const ingest = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(cinemaDataset),
    });
    expect(ingest.status, await ingest.clone().text()).toBe(202);
  });

  it('a bare link opens the latest data', async () => {
    await open('');
    await poll(() => page.getByTestId('chart-summary').textContent()).toMatch(/^4 calls in 2 lanes/);
  });

  it('renders in dark mode when the OS asks for it', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await open('?event=ev-declined');
      await poll(() => page.getByTestId('detail-type').textContent()).toBe('error');
      const background = String(await page.evaluate('getComputedStyle(document.body).backgroundColor'));
      expect(background).toBe('rgb(15, 20, 25)');
      await shot('event-dark');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });
});

describe('deep links', () => {
  it('/?trace=T shows that trace calls, the open one and the failed one marked', async () => {
    await open('?trace=shop-T');
    await poll(() => page.getByTestId('chart-summary').textContent()).toMatch(/^3 calls in 1 lanes/);
    const calls = await callList();
    expect(calls).toEqual([
      'trace shop-T: main (open)',
      'trace shop-T: charge 3.00 ms (error)',
      'trace shop-T: ship 2.00 ms',
    ]);
    expect(await page.getByTestId('trace-filter').textContent()).toContain('shop-T');
    await shot('trace');
  });

  it('/?event=E opens the event, its path with the stack marked, and the state at it', async () => {
    await open('?event=ev-declined');
    await poll(() => page.getByTestId('detail-type').textContent()).toBe('error');
    const steps = page.getByTestId('path').locator('li');
    await poll(() => steps.count()).toBe(5);
    const onStack = (await Promise.all((await steps.all()).map((li) => li.getAttribute('class')))).map(
      (c) => c?.includes('on-stack') === true,
    );
    // main entry, cart=1, charge entry, paid=false, the error: all on the error's stack.
    expect(onStack).toEqual([true, true, true, true, true]);
    expect(await page.getByTestId('stack').first().textContent()).toContain('at charge (pay.ts:12:11)');
    await poll(stateValues).toEqual({ cart: '1', paid: 'false' });
    expect(await page.getByTestId('cursor-time').textContent()).toMatch(/\.\d{9}Z$/);
    await shot('event');
  });

  it('/?at=nanos shows the state and the calls active at that instant', async () => {
    await open(`?at=${at(6500)}`);
    await poll(stateValues).toEqual({ cart: '1', paid: 'false' });
    const active = page.getByTestId('active-calls').locator('li');
    await poll(() => active.allTextContents()).toEqual(['main shop', 'bill billing', 'ship shop']);
  });

  it('/?from=&to= shows every call of the window, lane by trace', async () => {
    await open(`?from=${at(-500)}&to=${at(10_000)}`);
    await poll(() => page.getByTestId('chart-summary').textContent()).toMatch(/^4 calls in 2 lanes/);
    expect(await callList()).toEqual([
      'trace shop-T: main (open)',
      'trace shop-T: charge 3.00 ms (error)',
      'trace bill-T: bill 4.00 ms',
      'trace shop-T: ship 2.00 ms',
    ]);
    await shot('window');
  });
});

describe('interaction', () => {
  it('stepping the cursor with the arrow keys updates the state panel', async () => {
    await open(`?trace=shop-T&at=${at(8500)}`);
    await poll(stateValues).toEqual({ cart: '1', paid: 'false' });
    // The arrows step through the events of the view, loaded once the density strip says how many there are.
    await poll(async () => Number(await page.locator('.chart-area').getAttribute('data-ticks'))).toBeGreaterThan(0);
    await page.getByTestId('timeline').focus();
    await page.keyboard.press('ArrowRight');
    await poll(stateValues).toEqual({ cart: '2', paid: 'false' });
    expect(await page.getByTestId('cursor-time').textContent()).toBe(isoOf(at(9000)));
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    // Back past ship's exit and entry to charge's exit.
    await poll(() => page.getByTestId('cursor-time').textContent()).toBe(isoOf(at(5000)));
  });

  it('zooms and pans with the keyboard, and the link follows', async () => {
    await open(`?from=${at(0)}&to=${at(10_000)}`);
    await poll(() => page.getByTestId('window').textContent()).toMatch(/→ 10\.0 ms$/);
    await page.getByTestId('timeline').focus();
    await page.keyboard.press('+');
    await poll(() => page.getByTestId('window').textContent()).toMatch(/→ 6\.00 ms$/);
    await page.keyboard.press('Shift+ArrowRight');
    await poll(() => new URL(page.url()).searchParams.get('from')).toBe(at(2600));
    await page.keyboard.press('-');
    await poll(() => page.getByTestId('window').textContent()).toMatch(/→ 10\.0 ms$/);
  });

  it('clicking a call opens its entry event', async () => {
    await open(`?from=${at(0)}&to=${at(10_000)}`);
    await poll(() => page.getByTestId('chart-summary').textContent()).toMatch(/^4 calls/);
    const box = (await page.getByTestId('timeline').boundingBox())!;
    // charge runs +2000..+5000 us in row 1 of the first lane (rows start 89 px down, 18 px each).
    await page.mouse.click(box.x + box.width * 0.35, box.y + 89 + 18 + 9);
    await poll(() => page.getByTestId('detail-id').textContent()).toBe('ev-charge');
    expect(await page.getByTestId('detail-type').textContent()).toBe('function_entry');
    expect(await page.getByTestId('event-detail').textContent()).toContain('Its call failed');
    await shot('detail');
  });

  it('a search finds an event by id and opens it', async () => {
    await open(`?from=${at(0)}&to=${at(10_000)}`);
    await page.getByTestId('search').fill('ev-ship-exit');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('detail-id').textContent()).toBe('ev-ship-exit');
    await poll(() => page.getByTestId('event-detail').textContent()).toContain('"ok": true');
  });

  it('a search by correlation id lists its events', async () => {
    await open(`?from=${at(0)}&to=${at(10_000)}`);
    await page.getByTestId('search').fill('c-charge');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('results').textContent()).toContain('Correlation c-charge: 4 events');
    await shot('search');
  });
});

describe('live mode', () => {
  it('follows events that arrive after the page opened', async () => {
    await open('?live=1');
    await poll(() => page.getByTestId('chart-summary').textContent()).toMatch(/^4 calls in 2 lanes/);
    expect(await page.getByTestId('live').getAttribute('aria-pressed')).toBe('true');
    const late = [
      {
        event_id: 'ev-late',
        event_type: 'function_entry',
        correlation_id: 'c-late',
        trace_id: 'late-T',
        service: 'shop',
        timestamp: at(60_000_000),
        data: { function: 'late' },
      },
    ];
    const ingest = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(late),
    });
    expect(ingest.status).toBe(202);
    await poll(() => callList()).toContain('trace late-T: late (open)');
  });
});

describe('not found', () => {
  it('an unknown event id in a link says so', async () => {
    await open('?event=no-such-event');
    await poll(() => page.getByTestId('not-found').textContent()).toBe('No event "no-such-event" is stored.');
    await shot('not-found');
  });

  it('an unknown id in the search says so', async () => {
    await open(`?from=${at(0)}&to=${at(10_000)}`);
    await page.getByTestId('search').fill('nothing-like-this');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('results-message').textContent())
      .toMatch(/^Nothing matches "nothing-like-this"/);
  });
});

/**
 * When things go wrong or the user takes over: storage down (a second
 * connection on the server's embedded ClickHouse detaches its database, the
 * fault the ingest outage test uses), a 4xx from the API, live mode pausing
 * while the user scrubs. This server runs in the test's process so that the
 * test can reach its ClickHouse (libchdb binds one data directory per process).
 */
describe('faults and live pausing', () => {
  let faultsDir: string;
  let faultsApp: NestFastifyApplication;
  let admin: Awaited<ReturnType<typeof clickHouseClient>>;
  let faultsBase: string;

  beforeAll(async () => {
    faultsDir = await mkdtemp(join(tmpdir(), 'cinema-faults-'));
    const config = loadStandaloneConfig({ DATA_DIR: faultsDir, LOG_LEVEL: 'silent' });
    faultsApp = await createStandaloneApp(config, createLogger('cinema-faults', 'silent'));
    const port = await freePort();
    await faultsApp.listen(port, '127.0.0.1');
    faultsBase = `http://127.0.0.1:${port}`;
    origins.push(faultsBase);
    admin = await clickHouseClient({ kind: 'embedded', dataDir: join(faultsDir, 'clickhouse') });
    const ingest = await fetch(`${faultsBase}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(cinemaDataset),
    });
    expect(ingest.status, await ingest.clone().text()).toBe(202);
  }, 120_000);

  afterAll(async () => {
    // Off this server first: a live page left on it would keep polling a closed port.
    await page.goto('about:blank');
    await admin?.close();
    await faultsApp?.close();
    await rm(faultsDir, { recursive: true, force: true });
  });

  describe('storage down', () => {
    it('says storage is unavailable, and Retry shows the data once it is back', async () => {
      // Only the API's 503s are expected; a 500 or a failure elsewhere still fails the test.
      expectedFailures = [{ status: 503, path: /^\/v1\// }];
      await admin.command({ query: 'DETACH DATABASE temporal_bridge' });
      let attached = false;
      try {
        await page.goto(`${faultsBase}/?from=${at(-500)}&to=${at(10_000)}`);
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
      await page.goto(`${faultsBase}/?trace=${long}`);
      await poll(() => page.getByTestId('error-message').textContent()).toMatch(
        /^The API refused the request: .*must be at most 128 characters, got 200/,
      );
    });
  });

  describe('live mode while the user scrubs', () => {
    it('pauses, says so, ignores new events until resumed, then follows them', async () => {
      await page.goto(`${faultsBase}/?live=1`);
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
      const ingest = await fetch(`${faultsBase}/v1/events`, {
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
      await page.goto(`${faultsBase}/?live=1`);
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
});

describe('serving', () => {
  it('serves the UI at / and keeps JSON 404s for unknown routes', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('<div id="app">');
    const missing = await fetch(`${base}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
  });
});

function isoOf(nanos: string): string {
  const ns = BigInt(nanos);
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  return `${iso.slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}
