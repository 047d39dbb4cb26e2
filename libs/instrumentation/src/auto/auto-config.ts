import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { z } from 'zod';

import { type TransportConfig } from '../runtime/runtime-options';
import { fileFilter } from './file-filter';
import { DEFAULT_NODE_BUDGET } from './probe-host';

/** Where the transport goes when neither TB_ENDPOINT nor TB_KAFKA_BROKERS is set: a local standalone server. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4000';
const DEFAULT_INCLUDE = ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'];

/**
 * Automatic instrumentation's settings, resolved from the environment (and
 * the optional TB_CONFIG file): see the README's settings table.
 *
 * @example
 * const loaded = loadAutoConfig(process.env, process.cwd());
 * if (loaded.ok) loaded.config.instruments('/app/src/server.ts');
 */
export interface AutoConfig {
  /** Project root: AST node ids use paths relative to it. */
  root: string;
  service: string;
  enabled: boolean;
  transport: TransportConfig;
  /** Set when the transport is the default one (say so once at start). */
  defaultTransport: boolean;
  nodeBudget: number | 'unlimited';
  traceRate: number;
  captureArgs: boolean;
  captureResult: boolean;
  /** Capture limits of arguments and results: every function's are captured, so tighter than the SDK's defaults. */
  capture: { maxDepth: number; maxItems: number; maxStringLength: number };
  /** Append the manifest (one node per line, JSON) to this file. */
  manifest: string | undefined;
  /** Say on stderr at start which module hooks were installed (TB_DEBUG=1). */
  debug: boolean;
  reportIntervalMs: number;
  /** Events held in memory before they are sent (the runtime's queue capacity; beyond it the oldest give way, reported). */
  queueCapacity: number;
  include: readonly string[];
  exclude: readonly string[];
  /** Whether a module file (absolute path) is one of the app's to instrument (before excluding the SDK). */
  instruments(file: string): boolean;
}

/** Either the settings, or one message naming the variable that is wrong (instrumentation then does not start). */
export type LoadedConfig = { ok: true; config: AutoConfig } | { ok: false; message: string };

const flag = (name: string) =>
  z
    .enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'], {
      error: (issue) => `${name} must be 0 or 1 (or true/false), got ${JSON.stringify(issue.input)}`,
    })
    .transform((v) => v === '1' || v === 'true' || v === 'yes' || v === 'on');

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

const schema = z.object({
  TB_SERVICE: z.string().min(1).max(128).optional(),
  TB_ROOT: z.string().min(1).optional(),
  TB_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'TB_ENDPOINT must be an http(s) URL, e.g. http://127.0.0.1:4000' })
    .optional(),
  TB_API_KEY: z.string().optional(),
  TB_KAFKA_BROKERS: list
    .refine((brokers) => brokers.length > 0 && brokers.every((b) => /^[^\s:/]+:\d{1,5}$/.test(b)), {
      error: 'TB_KAFKA_BROKERS must be comma-separated host:port pairs',
    })
    .optional(),
  TB_KAFKA_TOPIC: z.string().min(1).optional(),
  TB_ENABLED: flag('TB_ENABLED').optional(),
  TB_NODE_BUDGET: z
    .union([z.literal('unlimited'), z.coerce.number().int().min(1).max(1_000_000_000)], {
      error: (issue) =>
        `TB_NODE_BUDGET must be a whole number of calls per node per second (>= 1) or "unlimited", got ${JSON.stringify(issue.input)}`,
    })
    .optional(),
  TB_SAMPLE_RATE: z.coerce
    .number({ error: 'TB_SAMPLE_RATE must be a number between 0 and 1' })
    .min(0, { error: 'TB_SAMPLE_RATE must be between 0 and 1' })
    .max(1, { error: 'TB_SAMPLE_RATE must be between 0 and 1' })
    .optional(),
  TB_CAPTURE_ARGS: flag('TB_CAPTURE_ARGS').optional(),
  TB_CAPTURE_RESULT: flag('TB_CAPTURE_RESULT').optional(),
  TB_CAPTURE_DEPTH: z.coerce.number().int().min(1).max(16).optional(),
  TB_CAPTURE_ITEMS: z.coerce.number().int().min(1).max(10_000).optional(),
  TB_CAPTURE_STRING: z.coerce.number().int().min(16).max(1_000_000).optional(),
  TB_MANIFEST: z.string().min(1).optional(),
  TB_DEBUG: flag('TB_DEBUG').optional(),
  TB_REPORT_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
  TB_QUEUE_CAPACITY: z.coerce
    .number()
    .int()
    .min(100, { error: 'TB_QUEUE_CAPACITY must be a whole number of events between 100 and 10000000' })
    .max(10_000_000, { error: 'TB_QUEUE_CAPACITY must be a whole number of events between 100 and 10000000' })
    .optional(),
  TB_INCLUDE: list.optional(),
  TB_EXCLUDE: list.optional(),
});

type Raw = Record<string, string | undefined>;

/**
 * Reads the settings: the TB_CONFIG JSON file (an object with the same
 * names, e.g. `{"TB_SERVICE": "shop", "TB_NODE_BUDGET": 50}`), overridden by
 * the environment. Never throws: a bad value gives `{ok: false, message}`.
 *
 * @example
 * const loaded = loadAutoConfig({ TB_NODE_BUDGET: 'lots' }, '/app'); // { ok: false, message: 'TB_NODE_BUDGET must be ...' }
 */
export function loadAutoConfig(env: NodeJS.ProcessEnv, cwd: string): LoadedConfig {
  const merged: Raw = {};
  const file = env['TB_CONFIG'];
  if (file !== undefined && file !== '') {
    const fromFile = readConfigFile(resolve(cwd, file));
    if (typeof fromFile === 'string') return { ok: false, message: fromFile };
    Object.assign(merged, fromFile);
  }
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'TB_CONFIG');
    return { ok: false, message: issue.message.includes(name) ? issue.message : `${name}: ${issue.message}` };
  }
  const s = parsed.data;
  if (s.TB_ENDPOINT !== undefined && s.TB_KAFKA_BROKERS !== undefined) {
    return { ok: false, message: 'TB_ENDPOINT and TB_KAFKA_BROKERS are both set: choose one transport' };
  }
  const root = resolve(cwd, s.TB_ROOT ?? nearestPackageDir(cwd) ?? cwd);
  if (!existsSync(root)) return { ok: false, message: `TB_ROOT: ${root} does not exist` };
  const service = s.TB_SERVICE ?? packageName(root);
  if (service === undefined) {
    return { ok: false, message: `TB_SERVICE is not set and ${join(root, 'package.json')} has no name` };
  }
  const transport: TransportConfig =
    s.TB_KAFKA_BROKERS !== undefined
      ? {
          kind: 'kafka',
          brokers: s.TB_KAFKA_BROKERS,
          ...(s.TB_KAFKA_TOPIC === undefined ? {} : { topic: s.TB_KAFKA_TOPIC }),
        }
      : {
          kind: 'http',
          baseUrl: s.TB_ENDPOINT ?? DEFAULT_ENDPOINT,
          ...(s.TB_API_KEY === undefined ? {} : { apiKey: s.TB_API_KEY }),
        };
  const include = s.TB_INCLUDE !== undefined && s.TB_INCLUDE.length > 0 ? s.TB_INCLUDE : DEFAULT_INCLUDE;
  const exclude = s.TB_EXCLUDE ?? [];
  return {
    ok: true,
    config: {
      root,
      service,
      enabled: s.TB_ENABLED ?? true,
      transport,
      defaultTransport: s.TB_ENDPOINT === undefined && s.TB_KAFKA_BROKERS === undefined,
      nodeBudget: s.TB_NODE_BUDGET ?? DEFAULT_NODE_BUDGET,
      traceRate: s.TB_SAMPLE_RATE ?? 1,
      captureArgs: s.TB_CAPTURE_ARGS ?? true,
      captureResult: s.TB_CAPTURE_RESULT ?? false,
      capture: {
        maxDepth: s.TB_CAPTURE_DEPTH ?? 3,
        maxItems: s.TB_CAPTURE_ITEMS ?? 20,
        maxStringLength: s.TB_CAPTURE_STRING ?? 256,
      },
      manifest: s.TB_MANIFEST === undefined ? undefined : resolve(cwd, s.TB_MANIFEST),
      debug: s.TB_DEBUG ?? false,
      reportIntervalMs: s.TB_REPORT_INTERVAL_MS ?? 10_000,
      queueCapacity: s.TB_QUEUE_CAPACITY ?? 10_000,
      include,
      exclude,
      instruments: fileFilter(root, include, exclude, []),
    },
  };
}

function readConfigFile(path: string): Raw | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return `TB_CONFIG: cannot read ${path} as JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return `TB_CONFIG: ${path} must hold a JSON object of TB_* settings`;
  }
  const out: Raw = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in schema.shape)) return `TB_CONFIG: ${path} has an unknown setting ${JSON.stringify(key)}`;
    if (Array.isArray(value)) out[key] = value.map(String).join(',');
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[key] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
    } else return `TB_CONFIG: ${key} in ${path} must be a string, number, boolean or array`;
  }
  return out;
}

/** The nearest directory at or above `from` holding a package.json. */
export function nearestPackageDir(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function packageName(dir: string): string | undefined {
  try {
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return typeof name === 'string' && name.length > 0 && name.length <= 128 ? name : undefined;
  } catch {
    return undefined;
  }
}
