import { parseArgs } from 'node:util';

import { parseTimestamp } from '@temporal-bridge/event-schema';

export const USAGE = `temporal-bridge: ask a temporal-bridge server (standalone or query service) the Cinema questions.

usage: temporal-bridge [options] <command> [arguments]

commands:
  range <from> <to> [--service S] [--limit N]   events in a time range (inclusive)
  node <ast_node_id>                             events of one AST node
  correlation <correlation_id>                   events of one execution
  active <from> <to>                             AST nodes active in a window
  state <at> [--service S] [--trace T]           state and open calls at an instant
  path <event_id>                                the execution path that led to an event
  stats                                          bridge and storage statistics
  traces <from> <to> [--service S] [--errors] [--min-duration-ms N] [--sort start|duration] [--limit N]
                                                 traces whose root call started in a window
  export <from> <to> [--service S]               every event of a window (any width) as NDJSON on stdout
  node-stats <from> <to> [--service S] [--sort calls|errors|p50|p95|max] [--limit N]
                                                 which functions are slow or failing

times: decimal nanoseconds since the epoch, ISO-8601 with a zone
(2026-11-24T10:00:00.5Z), "now", or relative to now (now-30s or -30s; s, m, h, d).

options:
  --url URL        server (default $TEMPORAL_BRIDGE_URL or http://localhost:4000)
  --api-key KEY    bearer key (default $TEMPORAL_BRIDGE_API_KEY)
  --json           JSON instead of tables (timestamps as decimal strings)
  -h, --help       this text`;

export type Command =
  | { name: 'range'; from: bigint; to: bigint; service?: string; limit?: number }
  | { name: 'node'; id: string }
  | { name: 'correlation'; id: string }
  | { name: 'active'; from: bigint; to: bigint }
  | { name: 'state'; at: bigint; service?: string; trace?: string }
  | { name: 'path'; eventId: string }
  | { name: 'stats' }
  | {
      name: 'traces';
      from: bigint;
      to: bigint;
      service?: string;
      errors?: true;
      minDurationMs?: number;
      sort?: 'start' | 'duration';
      limit?: number;
    }
  | { name: 'export'; from: bigint; to: bigint; service?: string }
  | {
      name: 'node-stats';
      from: bigint;
      to: bigint;
      service?: string;
      sort?: 'calls' | 'errors' | 'p50' | 'p95' | 'max';
      limit?: number;
    }
  | { name: 'help' };

export interface CliInvocation {
  url: string;
  apiKey: string | undefined;
  json: boolean;
  command: Command;
}

/** A mistake in the command line; the message says which and how. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv, now: () => bigint): CliInvocation {
  const { values, positionals } = parseOrExplain(
    // "-5m" would read as an option: it means now-5m.
    argv.map((arg) => (/^-\d+[smhd]$/.test(arg) ? `now${arg}` : arg)),
  );
  const [name, ...args] = positionals;
  const time = (text: string | undefined, what: string): bigint => toTime(text, what, now);
  const need = (count: number, shape: string): void => {
    if (args.length !== count) throw new UsageError(`${name} takes ${shape}`);
  };
  let command: Command;
  if (values.help || name === undefined || name === 'help') command = { name: 'help' };
  else if (name === 'range') {
    need(2, '<from> <to>');
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1))
      throw new UsageError('--limit must be a positive integer');
    command = { name, from: time(args[0], 'from'), to: time(args[1], 'to'), service: values.service, limit };
  } else if (name === 'node' || name === 'correlation') {
    need(1, `<${name === 'node' ? 'ast_node_id' : 'correlation_id'}>`);
    command = { name, id: args[0]! };
  } else if (name === 'active') {
    need(2, '<from> <to>');
    command = { name, from: time(args[0], 'from'), to: time(args[1], 'to') };
  } else if (name === 'state') {
    need(1, '<at>');
    command = { name, at: time(args[0], 'at'), service: values.service, trace: values.trace };
  } else if (name === 'path') {
    need(1, '<event_id>');
    command = { name, eventId: args[0]! };
  } else if (name === 'traces') {
    need(2, '<from> <to>');
    const minDurationMs = values['min-duration-ms'] === undefined ? undefined : Number(values['min-duration-ms']);
    if (minDurationMs !== undefined && !(minDurationMs >= 0))
      throw new UsageError('--min-duration-ms must be a number of milliseconds');
    command = {
      name,
      from: time(args[0], 'from'),
      to: time(args[1], 'to'),
      service: values.service,
      errors: values.errors ? true : undefined,
      minDurationMs,
      sort: oneOf('--sort', values.sort, ['start', 'duration'] as const),
      limit: positive('--limit', values.limit),
    };
  } else if (name === 'export') {
    need(2, '<from> <to>');
    command = { name, from: time(args[0], 'from'), to: time(args[1], 'to'), service: values.service };
  } else if (name === 'node-stats') {
    need(2, '<from> <to>');
    command = {
      name,
      from: time(args[0], 'from'),
      to: time(args[1], 'to'),
      service: values.service,
      sort: oneOf('--sort', values.sort, ['calls', 'errors', 'p50', 'p95', 'max'] as const),
      limit: positive('--limit', values.limit),
    };
  } else if (name === 'stats') {
    need(0, 'no arguments');
    command = { name };
  } else throw new UsageError(`unknown command "${name}" (try --help)`);
  return {
    url: (values.url ?? env['TEMPORAL_BRIDGE_URL'] ?? 'http://localhost:4000').replace(/\/$/, ''),
    apiKey: values['api-key'] ?? env['TEMPORAL_BRIDGE_API_KEY'],
    json: values.json,
    command,
  };
}

function parseOrExplain(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        'api-key': { type: 'string' },
        json: { type: 'boolean', default: false },
        service: { type: 'string' },
        trace: { type: 'string' },
        limit: { type: 'string' },
        sort: { type: 'string' },
        errors: { type: 'boolean', default: false },
        'min-duration-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** An optional flag limited to some values. */
function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** An optional positive integer flag. */
function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new UsageError(`${flag} must be a positive integer`);
  return number;
}

const UNITS: Record<string, bigint> = {
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};

function toTime(text: string | undefined, what: string, now: () => bigint): bigint {
  if (text === undefined) throw new UsageError(`${what} is missing`);
  if (text === 'now') return now();
  const relative = /^now-(\d+)([smhd])$/.exec(text);
  if (relative !== null) return now() - BigInt(relative[1]!) * UNITS[relative[2]!]!;
  const absolute = parseTimestamp(text);
  if (absolute === undefined) {
    throw new UsageError(`${what}: "${text}" is not a time (nanoseconds, ISO-8601 with a zone, now, or now-5m)`);
  }
  return absolute;
}
