import { describe, expect, it } from 'vitest';

import { parseCli, UsageError } from './cli-args';

const NOW = 1_795_514_400_000_000_000n;
const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCli(argv, env, () => NOW);

describe('CLI arguments', () => {
  it('reads every command with its arguments', () => {
    expect(parse(['range', '1000', '2026-11-24T10:00:00Z', '--service', 'shop', '--limit', '5']).command).toEqual({
      name: 'range',
      from: 1000n,
      to: 1_795_514_400_000_000_000n,
      service: 'shop',
      limit: 5,
    });
    expect(parse(['node', 'a.ts:1:1']).command).toEqual({ name: 'node', id: 'a.ts:1:1' });
    expect(parse(['correlation', 'c-1']).command).toEqual({ name: 'correlation', id: 'c-1' });
    expect(parse(['active', '-5m', 'now']).command).toEqual({ name: 'active', from: NOW - 300_000_000_000n, to: NOW });
    expect(parse(['active', 'now-2d', 'now-30s']).command).toEqual({
      name: 'active',
      from: NOW - 172_800_000_000_000n,
      to: NOW - 30_000_000_000n,
    });
    expect(parse(['state', '-1h', '--trace', 'T']).command).toEqual({
      name: 'state',
      at: NOW - 3_600_000_000_000n,
      service: undefined,
      trace: 'T',
    });
    expect(parse(['path', 'e-1']).command).toEqual({ name: 'path', eventId: 'e-1' });
    expect(parse(['stats']).command).toEqual({ name: 'stats' });
    expect(parse([]).command).toEqual({ name: 'help' });
  });

  it('reads the trace listing and the AST node statistics', () => {
    expect(
      parse(['traces', '-1h', 'now', '--errors', '--min-duration-ms', '2.5', '--sort', 'duration', '--limit', '20'])
        .command,
    ).toEqual({
      name: 'traces',
      from: NOW - 3_600_000_000_000n,
      to: NOW,
      service: undefined,
      errors: true,
      minDurationMs: 2.5,
      sort: 'duration',
      limit: 20,
    });
    expect(parse(['traces', '1', '2']).command).toMatchObject({ errors: undefined, sort: undefined });
    expect(parse(['export', '-2d', 'now', '--service', 'shop']).command).toEqual({
      name: 'export',
      from: NOW - 172_800_000_000_000n,
      to: NOW,
      service: 'shop',
    });
    expect(parse(['node-stats', '1', '2', '--service', 'shop', '--sort', 'p95']).command).toEqual({
      name: 'node-stats',
      from: 1n,
      to: 2n,
      service: 'shop',
      sort: 'p95',
      limit: undefined,
    });
  });

  it('takes the server from --url, else the environment, else localhost:4000', () => {
    expect(parse(['stats']).url).toBe('http://localhost:4000');
    expect(parse(['stats'], { TEMPORAL_BRIDGE_URL: 'http://q:4002/' }).url).toBe('http://q:4002');
    expect(parse(['--url', 'http://x:1', 'stats'], { TEMPORAL_BRIDGE_URL: 'http://q:4002' }).url).toBe('http://x:1');
    expect(parse(['stats', '--json'], { TEMPORAL_BRIDGE_API_KEY: 'k' })).toMatchObject({ json: true, apiKey: 'k' });
  });

  it.each([
    [['range', '1'], /range takes <from> <to>/],
    [['range', 'yesterday', 'now'], /from: "yesterday" is not a time/],
    [['range', '1', '2', '--limit', '0'], /--limit must be a positive integer/],
    [['node'], /node takes <ast_node_id>/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['stats', '--bogus'], /Unknown option '--bogus'/],
    [['traces', '1', '2', '--sort', 'name'], /--sort must be one of start, duration/],
    [['traces', '1', '2', '--min-duration-ms', 'slow'], /--min-duration-ms must be a number/],
    [['node-stats', '1'], /node-stats takes <from> <to>/],
    [['export', 'now'], /export takes <from> <to>/],
    [['node-stats', '1', '2', '--sort', 'slowest'], /--sort must be one of calls, errors, p50, p95, max/],
  ])('explains a bad command line: %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
