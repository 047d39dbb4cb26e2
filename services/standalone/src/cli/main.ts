#!/usr/bin/env node
import { serializeEvent, systemClock } from '@temporal-bridge/event-schema';
import { RemoteBridgeError, RemoteTemporalBridge } from '@temporal-bridge/instrumentation';

import { parseCli, UsageError, USAGE, type CliInvocation } from './cli-args';
import { asJson, eventsTable, nodeStatsTable, pathTable, stateText, statsText, tracesTable } from './format';

/**
 * `npx temporal-bridge <command>` / `npm run -s cli -- <command>`: the Cinema
 * primitives from a terminal. Resolves to the text to print, or undefined
 * when the command wrote its output itself (export streams).
 */
async function run(invocation: CliInvocation): Promise<string | undefined> {
  const { command, json } = invocation;
  const bridge = new RemoteTemporalBridge({ baseUrl: invocation.url, apiKey: invocation.apiKey });
  switch (command.name) {
    case 'help':
      return USAGE;
    case 'range': {
      const events = await bridge.getEventsInRange(command.from, command.to, { service: command.service });
      const shown = command.limit === undefined ? events : events.slice(0, command.limit);
      return json ? asJson(shown) : eventsTable(shown);
    }
    case 'node': {
      const events = await bridge.getEventsForAstNode(command.id);
      return json ? asJson(events) : eventsTable(events);
    }
    case 'correlation': {
      const events = await bridge.getEventsForCorrelation(command.id);
      return json ? asJson(events) : eventsTable(events);
    }
    case 'active': {
      const nodes = await bridge.getActiveAstNodes(command.from, command.to);
      return json ? asJson(nodes) : nodes.join('\n') || '(none)';
    }
    case 'state': {
      const snapshot = await bridge.reconstructStateAt(command.at, {
        service: command.service,
        traceId: command.trace,
      });
      return json ? asJson(snapshot) : stateText(snapshot);
    }
    case 'path': {
      const path = await bridge.traceExecutionPath(command.eventId);
      return json ? asJson(path) : pathTable(path);
    }
    case 'traces': {
      const { from, to, name: _name, ...options } = command;
      const page = await bridge.listTraces(from, to, options);
      return json ? asJson(page) : tracesTable(page);
    }
    case 'node-stats': {
      const { from, to, name: _name, ...options } = command;
      const list = await bridge.getAstNodeStats(from, to, options);
      return json ? asJson(list) : nodeStatsTable(list);
    }
    case 'export':
      await exportNdjson(bridge, command);
      return undefined;
    case 'stats': {
      const stats = await bridge.getStats();
      return json ? asJson(stats) : statsText(stats);
    }
  }
}

/**
 * `temporal-bridge ... | head` closes the pipe early: the reader has what it
 * wanted, so stop quietly instead of crashing on EPIPE. Exit 0 is what
 * `git log | head` and friends do.
 */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/**
 * Under `npm run cli` without `-s`, npm prints its banner on stdout before
 * our JSON, so `| jq` fails. We cannot remove it; say how to avoid it.
 */
function npmBannerHint(json: boolean): void {
  const underNpmRun = process.env['npm_lifecycle_event'] === 'cli';
  const silent = ['silent', 'error'].includes(process.env['npm_config_loglevel'] ?? '');
  if (json && underNpmRun && !silent) {
    process.stderr.write(
      'note: npm printed its banner on stdout above the JSON; for clean output use `npm run -s cli -- ...` or `npx temporal-bridge ...`\n',
    );
  }
}

/**
 * Follows GET /v1/events/export to stdout, one event per line as the server
 * wrote it, waiting for stdout to drain (a slow pipe holds the download, not
 * memory). A stream cut by the server rejects: the exit code says so.
 */
async function exportNdjson(
  bridge: RemoteTemporalBridge,
  command: { from: bigint; to: bigint; service?: string },
): Promise<void> {
  for await (const event of bridge.exportEvents(command.from, command.to, { service: command.service })) {
    if (!process.stdout.write(`${JSON.stringify(serializeEvent(event))}\n`)) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  }
}

async function main(): Promise<void> {
  quietOnClosedPipe();
  let invocation: CliInvocation;
  try {
    invocation = parseCli(process.argv.slice(2), process.env, () => systemClock.nowNanos());
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    process.exit(2);
  }
  npmBannerHint(invocation.json);
  try {
    const output = await run(invocation);
    if (output !== undefined) process.stdout.write(`${output}\n`);
  } catch (error) {
    if (error instanceof RemoteBridgeError) process.stderr.write(`error: ${error.message}\n`);
    else if (error instanceof UsageError) process.stderr.write(`error: ${error.message}\n`);
    else
      process.stderr.write(
        `error: cannot reach ${invocation.url} (${error instanceof Error ? error.message : String(error)}); is the server running (npm start)?\n`,
      );
    process.exit(1);
  }
}

void main();
