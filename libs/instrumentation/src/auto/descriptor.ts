import { isValidId } from '../support/ids';

/**
 * One instrumented function, as the transform describes it (docs/auto-instrumentation.md):
 * positions are 1-based, of the original source; `hash` is the first 16 hex
 * characters of the SHA-256 of the function's source text.
 *
 * @example
 * const node: ManifestNode = {
 *   ast_node_id: 'src/orders/service.ts:OrderService.place:method', kind: 'method', name: 'OrderService.place',
 *   line: 12, column: 3, end_line: 30, end_column: 4, hash: '9f86d081884c7d65', async: true, generator: false,
 * };
 */
export interface ManifestNode {
  ast_node_id: string;
  kind: string;
  name: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  hash: string;
  async: boolean;
  generator: boolean;
}

/**
 * What an instrumented module hands to `module(descriptor)`: its
 * project-relative path and its nodes (node i is `nodes[i]`).
 *
 * @example
 * const descriptor: ModuleDescriptor = { file: 'src/app.ts', nodes: [node] };
 */
export interface ModuleDescriptor {
  file: string;
  nodes: ManifestNode[];
}

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
