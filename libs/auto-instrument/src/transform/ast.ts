/**
 * A loose view of oxc-parser's ESTree output: the transform reads only a few
 * fields, and typing every node kind would cost more than it protects.
 */
export interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/** True for an ESTree node (an object with `type`, `start`, `end`). */
export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The child node at `key`, if any. */
export function child(node: AstNode, key: string): AstNode | undefined {
  const value = node[key];
  return isNode(value) ? value : undefined;
}

/** The child nodes at `key` (an array property), skipping holes. */
export function children(node: AstNode, key: string): AstNode[] {
  const value = node[key];
  return Array.isArray(value) ? value.filter(isNode) : [];
}

/** Wrappers that do not change which value is named: `(f)`, `f as T`, `f!`, `<T>f`, `f satisfies T`. */
const TRANSPARENT = new Set([
  'ParenthesizedExpression',
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TSInstantiationExpression',
]);

/** The expression inside any transparent wrappers. */
export function unwrap(node: AstNode): AstNode {
  let current = node;
  while (TRANSPARENT.has(current.type)) {
    const inner = child(current, 'expression');
    if (!inner) break;
    current = inner;
  }
  return current;
}

export const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Nodes that can carry a name from the place they are assigned to. */
export function isNameable(node: AstNode): boolean {
  return FUNCTION_TYPES.has(node.type) || node.type === 'ClassExpression' || node.type === 'ObjectExpression';
}

/** `a.b.c` for a chain of non-computed member accesses on an identifier (`this.x` gives `x`). */
export function memberChain(node: AstNode): string | undefined {
  const target = unwrap(node);
  if (target.type === 'Identifier') return target.name as string;
  if (target.type === 'ThisExpression') return '';
  if (target.type !== 'MemberExpression' || target.computed === true) return undefined;
  const object = child(target, 'object');
  const property = child(target, 'property');
  if (!object || !property) return undefined;
  const head = memberChain(object);
  const name = propertyName(property);
  if (head === undefined || name === undefined) return undefined;
  return head === '' ? name : `${head}.${name}`;
}

function propertyName(node: AstNode): string | undefined {
  if (node.type === 'Identifier') return node.name as string;
  if (node.type === 'PrivateIdentifier') return `#${node.name as string}`;
  return undefined;
}

/**
 * The readable name of a property / method / field key: `x`, `#x`, `'a-b'` as `a-b`,
 * `[Symbol.iterator]`; undefined for computed keys that are not literals or member chains.
 */
export function keyName(key: AstNode, computed: boolean): string | undefined {
  if (!computed) {
    const name = propertyName(key);
    if (name !== undefined) return name;
  }
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) {
    return String(key.value);
  }
  if (computed) {
    const chain = memberChain(key);
    if (chain) return `[${chain}]`;
  }
  return undefined;
}

/** The names a binding pattern binds, in source order. */
export function boundNames(pattern: AstNode, out: string[] = []): string[] {
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern.name as string);
      break;
    case 'AssignmentPattern': {
      const left = child(pattern, 'left');
      if (left) boundNames(left, out);
      break;
    }
    case 'RestElement': {
      const argument = child(pattern, 'argument');
      if (argument) boundNames(argument, out);
      break;
    }
    case 'ObjectPattern':
      for (const property of children(pattern, 'properties')) {
        const target = property.type === 'RestElement' ? property : child(property, 'value');
        if (target) boundNames(target, out);
      }
      break;
    case 'ArrayPattern':
      for (const element of children(pattern, 'elements')) boundNames(element, out);
      break;
    case 'TSParameterProperty': {
      const parameter = child(pattern, 'parameter');
      if (parameter) boundNames(parameter, out);
      break;
    }
    default:
      break;
  }
  return out;
}

/**
 * The expression that captures one parameter's value at entry: its identifier, or an
 * object of the names a destructuring pattern binds. Undefined for TypeScript `this`.
 */
export function parameterCapture(param: AstNode): string | undefined {
  let target = param;
  if (target.type === 'TSParameterProperty') target = child(target, 'parameter') ?? target;
  if (target.type === 'AssignmentPattern') target = child(target, 'left') ?? target;
  if (target.type === 'RestElement') target = child(target, 'argument') ?? target;
  if (target.type === 'TSThisParameter') return undefined;
  if (target.type === 'Identifier') return target.name === 'this' ? undefined : (target.name as string);
  const names = boundNames(target);
  return `{${names.join(', ')}}`;
}
