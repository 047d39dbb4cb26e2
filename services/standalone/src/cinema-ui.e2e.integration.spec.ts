import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { buildProjects, freePort, pollUntil, repoPath, TetheredProcess } from '@temporal-bridge/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { at, cinemaDataset } from './__fixtures__/cinema-dataset';

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
    consoleErrors.push(`${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  // Requests outside the server under test would break air-gapped use.
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
