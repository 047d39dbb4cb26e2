import { type AstNode, child, FUNCTION_TYPES, isNode } from './ast';
import { parseSync, visitorKeys } from './parser';

/** Where a function starts and ends in its original source (offsets). */
export interface Span {
  start: number;
  end: number;
}

const keysCache = visitorKeys as Record<string, readonly string[] | undefined>;

/**
 * The spans of the functions of an original source (from a source map's sourcesContent), keyed
 * by every offset a compiler may map a function's first token to: the function itself, a
 * method's key or member start, an `export` in front of it. Compilers map the first token of a
 * function faithfully but rarely its last one, so the end (and the text the hash covers) comes
 * from parsing the original text, not from the map.
 */
export function originalSpans(filename: string, content: string): Map<number, Span> {
  const spans = new Map<number, Span>();
  const parsed = parseSync(filename, content, { sourceType: 'unambiguous', preserveParens: true });
  if (parsed.errors.length > 0) return spans;
  const add = (offset: number, span: Span): void => {
    if (!spans.has(offset)) spans.set(offset, span);
  };
  const walk = (node: AstNode): void => {
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        add(node.start, { start: node.start, end: node.end });
        break;
      case 'MethodDefinition':
      case 'Property':
      case 'PropertyDefinition': {
        const key = child(node, 'key');
        const value = child(node, 'value');
        if (key && value && node.computed !== true) {
          const method = node.type === 'MethodDefinition' || node.method === true || node.kind !== 'init';
          const span = method ? { start: key.start, end: node.end } : { start: value.start, end: value.end };
          if (method) add(node.start, span);
          add(key.start, span);
        }
        break;
      }
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration': {
        // Only functions: esbuild maps its `__name` helper to an exported class's `export`.
        // tsc (ts-node) maps the function to the space after `export`: every offset up to it counts.
        const declaration = child(node, 'declaration');
        if (declaration && FUNCTION_TYPES.has(declaration.type)) {
          const span = { start: declaration.start, end: declaration.end };
          for (let offset = node.start; offset < declaration.start; offset++) add(offset, span);
        }
        break;
      }
      default:
        break;
    }
    for (const key of keysCache[node.type] ?? []) {
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) walk(item);
      } else if (isNode(value)) {
        walk(value);
      }
    }
  };
  walk(parsed.program as unknown as AstNode);
  return spans;
}
