#!/usr/bin/env node
import { systemClock } from '@temporal-bridge/event-schema';
import { RemoteBridgeError, RemoteTemporalBridge } from '@temporal-bridge/instrumentation';

import { parseCli, UsageError, USAGE, type CliInvocation } from './cli-args';
import { asJson, eventsTable, nodeStatsTable, pathTable, stateText, statsText, tracesTable } from './format';

/** `npm run cli -- <command>` / `npx temporal-bridge <command>`: the Cinema primitives from a terminal. */
async function run(invocation: CliInvocation): Promise<string> {
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
    case 'stats': {
      const stats = await bridge.getStats();
      return json ? asJson(stats) : statsText(stats);
    }
  }
}

async function main(): Promise<void> {
  let invocation: CliInvocation;
  try {
    invocation = parseCli(process.argv.slice(2), process.env, () => systemClock.nowNanos());
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    process.exit(2);
  }
  try {
    process.stdout.write(`${await run(invocation)}\n`);
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
