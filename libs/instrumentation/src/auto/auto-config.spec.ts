import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { DEFAULT_ENDPOINT, loadAutoConfig, type AutoConfig } from './auto-config';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-config-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shop-api' }));
  mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
  return dir;
}

function ok(env: NodeJS.ProcessEnv, cwd: string): AutoConfig {
  const loaded = loadAutoConfig(env, cwd);
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
}

function failure(env: NodeJS.ProcessEnv, cwd: string): string {
  const loaded = loadAutoConfig(env, cwd);
  if (loaded.ok) throw new Error('expected a failure');
  return loaded.message;
}

describe('loadAutoConfig', () => {
  it('defaults: service and root from the nearest package.json, the local standalone server, budget 100', () => {
    const dir = project();
    const config = ok({}, join(dir, 'src', 'deep'));
    expect(config).toMatchObject({
      root: dir,
      service: 'shop-api',
      enabled: true,
      transport: { kind: 'http', baseUrl: DEFAULT_ENDPOINT },
      defaultTransport: true,
      nodeBudget: 100,
      traceRate: 1,
      captureArgs: true,
      captureResult: false,
      capture: { maxDepth: 3, maxItems: 20, maxStringLength: 256 },
    });
  });

  it('reads every variable', () => {
    const dir = project();
    const config = ok(
      {
        TB_SERVICE: 'billing',
        TB_KAFKA_BROKERS: 'k1:9092, k2:9092',
        TB_ENABLED: '0',
        TB_NODE_BUDGET: 'unlimited',
        TB_SAMPLE_RATE: '0.25',
        TB_CAPTURE_RESULT: 'true',
        TB_MANIFEST: 'out/manifest.jsonl',
        TB_CAPTURE_DEPTH: '5',
        TB_CAPTURE_ITEMS: '50',
        TB_CAPTURE_STRING: '2048',
        TB_QUEUE_CAPACITY: '200000',
      },
      dir,
    );
    expect(config).toMatchObject({
      service: 'billing',
      transport: { kind: 'kafka', brokers: ['k1:9092', 'k2:9092'] },
      defaultTransport: false,
      enabled: false,
      nodeBudget: 'unlimited',
      traceRate: 0.25,
      captureResult: true,
      manifest: join(dir, 'out', 'manifest.jsonl'),
      capture: { maxDepth: 5, maxItems: 50, maxStringLength: 2048 },
      queueCapacity: 200_000,
    });
    expect(ok({}, dir).queueCapacity).toBe(10_000);
    expect(ok({ TB_NODE_BUDGET: '7', TB_ENDPOINT: 'http://tb:4000' }, dir)).toMatchObject({
      nodeBudget: 7,
      transport: { kind: 'http', baseUrl: 'http://tb:4000' },
    });
  });

  it('selects files by include/exclude globs relative to the root, node_modules only when named', () => {
    const dir = project();
    const all = ok({}, dir);
    expect(all.instruments(join(dir, 'src', 'a.ts'))).toBe(true);
    expect(all.instruments(join(dir, 'node_modules', 'lodash', 'index.js'))).toBe(false);
    expect(all.instruments(join(dir, 'src', 'node_modules', 'x', 'index.js'))).toBe(false);
    expect(all.instruments('/elsewhere/a.js')).toBe(false);
    expect(all.instruments(join(dir, 'README.md'))).toBe(false);
    const some = ok({ TB_INCLUDE: 'src/**/*.ts, node_modules/acorn/**', TB_EXCLUDE: 'src/**/*.spec.ts' }, dir);
    expect(some.instruments(join(dir, 'src', 'deep', 'a.ts'))).toBe(true);
    expect(some.instruments(join(dir, 'src', 'a.spec.ts'))).toBe(false);
    expect(some.instruments(join(dir, 'lib', 'a.ts'))).toBe(false);
    expect(some.instruments(join(dir, 'node_modules', 'acorn', 'dist', 'acorn.js'))).toBe(true);
  });

  it('takes a TB_CONFIG file, which the environment overrides', () => {
    const dir = project();
    writeFileSync(
      join(dir, 'tb.json'),
      JSON.stringify({ TB_SERVICE: 'from-file', TB_NODE_BUDGET: 5, TB_INCLUDE: ['src/**'] }),
    );
    expect(ok({ TB_CONFIG: 'tb.json', TB_NODE_BUDGET: '9' }, dir)).toMatchObject({
      service: 'from-file',
      nodeBudget: 9,
      include: ['src/**'],
    });
  });

  it.each([
    [{ TB_NODE_BUDGET: 'lots' }, /^TB_NODE_BUDGET must be a whole number/],
    [{ TB_NODE_BUDGET: '0' }, /^TB_NODE_BUDGET/],
    [{ TB_ENABLED: 'maybe' }, /^TB_ENABLED must be 0 or 1/],
    [{ TB_ENDPOINT: 'localhost:4000' }, /^TB_ENDPOINT must be an http\(s\) URL/],
    [{ TB_KAFKA_BROKERS: 'kafka' }, /^TB_KAFKA_BROKERS must be comma-separated host:port/],
    [{ TB_SAMPLE_RATE: '2' }, /^TB_SAMPLE_RATE must be between 0 and 1/],
    [{ TB_CAPTURE_DEPTH: '0' }, /^TB_CAPTURE_DEPTH/],
    [{ TB_QUEUE_CAPACITY: '10' }, /^TB_QUEUE_CAPACITY must be a whole number of events between 100 and/],
    [{ TB_QUEUE_CAPACITY: 'big' }, /^TB_QUEUE_CAPACITY/],
    [{ TB_ENDPOINT: 'http://a:1', TB_KAFKA_BROKERS: 'k:1' }, /both set/],
    [{ TB_CONFIG: 'missing.json' }, /^TB_CONFIG: cannot read/],
    [{ TB_ROOT: 'nowhere' }, /^TB_ROOT: .* does not exist/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(failure(env, project())).toMatch(message);
  });

  it('refuses an unknown key in the config file', () => {
    const dir = project();
    writeFileSync(join(dir, 'tb.json'), JSON.stringify({ TB_SERVCE: 'typo' }));
    expect(failure({ TB_CONFIG: 'tb.json' }, dir)).toMatch(/unknown setting "TB_SERVCE"/);
  });
});
