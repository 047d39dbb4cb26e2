// The shapes are the transform's own (one definition): a type-only import, so
// loading the runtime never loads the parser.
import type { ManifestNode, ModuleDescriptor } from '@temporal-bridge/auto-instrument';

import { isValidId } from '../support/ids';

export type { ManifestNode, ModuleDescriptor };

/**
 * The descriptor if it has the contract's shape, else a sentence saying what
 * is wrong (the module then runs with no-op probes: never a crash).
 */
export function checkDescriptor(value: unknown): ModuleDescriptor | string {
  if (typeof value !== 'object' || value === null) return 'descriptor is not an object';
  const { file, nodes } = value as { file?: unknown; nodes?: unknown };
  if (typeof file !== 'string' || file.length === 0) return 'descriptor.file is not a path';
  if (!Array.isArray(nodes)) return `${file}: descriptor.nodes is not an array`;
  for (let i = 0; i < nodes.length; i += 1) {
    const node = nodes[i] as Partial<ManifestNode> | null;
    if (typeof node !== 'object' || node === null || !isValidId(node.ast_node_id)) {
      return `${file}: node ${i} has no valid ast_node_id`;
    }
    if (typeof node.name !== 'string' || typeof node.kind !== 'string') return `${file}: node ${i} lacks name or kind`;
  }
  return value as ModuleDescriptor;
}
