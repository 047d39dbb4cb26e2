import { appendFileSync } from 'node:fs';

import type { JsonObject } from '@temporal-bridge/event-schema';

import { type InstrumentationRuntime } from '../runtime/instrumentation-runtime';
import { type ModuleDescriptor } from './descriptor';

/** The event type of manifest events (docs/auto-instrumentation.md). */
export const AST_NODES_EVENT = 'tb.ast_nodes';
/** `data` of one manifest event stays under this (the bridge's limit is 64 KiB). */
const CHUNK_BYTES = 60 * 1024;

/**
 * Publishes each loaded module's manifest: `tb.ast_nodes` events through the
 * runtime's transport (chunked so that `data` stays under 60 KiB; storage
 * keeps the latest location per service and id), and JSON lines appended to
 * the TB_MANIFEST file when one is set. Runs at module load, never throws.
 *
 * @example
 * const publisher = new ManifestPublisher(runtime, 'shop', '/tmp/manifest.jsonl');
 * new ProbeHost(runtime, { onModule: (d) => publisher.publish(d) });
 */
export class ManifestPublisher {
  /** Problems writing the manifest file (the first one is also printed). */
  fileErrors = 0;

  constructor(
    private readonly runtime: InstrumentationRuntime | undefined,
    private readonly service: string,
    private readonly file: string | undefined,
  ) {}

  publish(descriptor: ModuleDescriptor): void {
    const core = this.runtime?.coreForProbes();
    if (core !== undefined) {
      for (const nodes of chunks(descriptor)) {
        core.recorder.record(AST_NODES_EVENT, undefined, undefined, {
          file: descriptor.file,
          nodes,
        } as unknown as JsonObject);
      }
    }
    if (this.file !== undefined) this.append(descriptor);
  }

  private append(descriptor: ModuleDescriptor): void {
    const lines = descriptor.nodes.map((node) =>
      JSON.stringify({ service: this.service, file: descriptor.file, ...node }),
    );
    try {
      if (lines.length > 0) appendFileSync(this.file!, `${lines.join('\n')}\n`);
    } catch (error) {
      if (this.fileErrors++ === 0) {
        const why = error instanceof Error ? error.message : String(error);
        process.stderr.write(`temporal-bridge: TB_MANIFEST: cannot write ${this.file}: ${why}\n`);
      }
    }
  }
}

function chunks(descriptor: ModuleDescriptor): ModuleDescriptor['nodes'][] {
  const out: ModuleDescriptor['nodes'][] = [];
  let current: ModuleDescriptor['nodes'] = [];
  let bytes = Buffer.byteLength(descriptor.file) + 32;
  for (const node of descriptor.nodes) {
    const size = Buffer.byteLength(JSON.stringify(node)) + 1;
    if (current.length > 0 && bytes + size > CHUNK_BYTES) {
      out.push(current);
      current = [];
      bytes = Buffer.byteLength(descriptor.file) + 32;
    }
    current.push(node);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
