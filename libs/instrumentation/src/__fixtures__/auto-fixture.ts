import type { FunctionKind } from '@temporal-bridge/auto-instrument';
import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { expect } from 'vitest';

import { ProbeHost, type ProbeHostOptions } from '../auto/probe-host';
import type { ManifestNode, ModuleDescriptor } from '../auto/descriptor';
import type { InstrumentationOptions } from '../runtime/runtime-options';
import { assertAllValid } from './collecting-transport';
import { testRuntime } from './test-runtime';

/** A descriptor node as the transform writes it (positions are not used by the runtime). */
export function node(
  name: string,
  kind: FunctionKind = 'function',
  flags: { async?: boolean; generator?: boolean } = {},
): ManifestNode {
  return {
    ast_node_id: `src/fixture.ts:${name}:${kind}`,
    kind,
    name,
    line: 1,
    column: 1,
    end_line: 1,
    end_column: 2,
    hash: '0123456789abcdef',
    async: flags.async ?? false,
    generator: flags.generator ?? false,
  };
}

export function descriptor(...nodes: ManifestNode[]): ModuleDescriptor {
  return { file: 'src/fixture.ts', nodes };
}

/** A runtime on a collecting transport with a probe host on it. */
export function autoRuntime(options: Partial<InstrumentationOptions> = {}, hostOptions: ProbeHostOptions = {}) {
  const { runtime, transport } = testRuntime(options);
  const host = new ProbeHost(runtime, { reportIntervalMs: 0, ...hostOptions });
  const flushed = async (): Promise<SerializedEvent[]> => {
    expect(await runtime.flush(2_000)).toEqual({ ok: true, unsent: 0 });
    assertAllValid(transport.events);
    return transport.events;
  };
  return { runtime, transport, host, flushed };
}

export const id = (name: string, kind = 'function'): string => `src/fixture.ts:${name}:${kind}`;

/** The events of one type of one node. */
export function of(events: SerializedEvent[], type: string, astNodeId: string): SerializedEvent[] {
  return events.filter((e) => e.event_type === type && e.ast_node_id === astNodeId);
}

/** Every entry has exactly one exit with the same ids; returns the exit of each entry. */
export function expectOneExitPerEntry(events: SerializedEvent[]): Map<string, SerializedEvent> {
  const exits = new Map<string, SerializedEvent>();
  for (const exit of events.filter((e) => e.event_type === 'function_exit')) {
    expect(
      exits.has(exit.correlation_id),
      `two exits for ${exit.correlation_id} (${exit.ast_node_id ?? 'no node'})`,
    ).toBe(false);
    exits.set(exit.correlation_id, exit);
  }
  const entries = events.filter((e) => e.event_type === 'function_entry');
  expect(entries.length).toBe(exits.size);
  for (const entry of entries) {
    const exit = exits.get(entry.correlation_id);
    expect(exit, `no exit for ${entry.ast_node_id}`).toBeDefined();
    expect([exit!.parent_id, exit!.trace_id, exit!.ast_node_id]).toEqual([
      entry.parent_id,
      entry.trace_id,
      entry.ast_node_id,
    ]);
  }
  return exits;
}
