import { visitorKeys } from './parser';

import {
  type AstNode,
  child,
  children,
  FUNCTION_TYPES,
  isNameable,
  isNode,
  keyName,
  memberChain,
  parameterCapture,
  unwrap,
} from './ast';
import { type FunctionKind, IdAllocator, nestedName } from './ids';
import type { Insertions } from './insertions';
import { initialiser, type ManifestNode } from './manifest';

/** The function whose body the walk is in (only instrumented functions get one). */
interface Frame {
  index: number;
  async: boolean;
  generator: boolean;
}

/** Naming and rewriting context of the walk. */
interface Context {
  /** Qualified name of the enclosing function ('' at top level). */
  enclosing: string;
  /** Enclosing name of anonymous functions here: the function, class or named object. */
  anonScope: string;
  fn: Frame | null;
}

/** What the parent knows about a function, class or object it contains. */
interface Hint {
  name?: string | undefined;
  /** The source span the manifest reports (a method's key to its end), when not the function's own. */
  span?: { start: number; end: number };
  kind?: FunctionKind;
  anonScope?: string;
}

/** Where a function's id, position and hash come from (see transform-source.ts). */
export interface NodeLocator {
  /** The manifest entry for a function spanning [start, end), or undefined to leave it alone (generated code). */
  describe(
    start: number,
    end: number,
    name: string,
    kind: FunctionKind,
    anonymous: boolean,
    flags: { async: boolean; generator: boolean },
    ids: (path: string) => IdAllocator,
  ): ManifestNode | undefined;
  /**
   * The project-relative path of the original source at `start`; undefined when a function
   * there is compiler-generated (no original function starts where it maps to).
   */
  pathAt(start: number, isFunction: boolean): string | undefined;
}

/** TypeScript-only subtrees: no runtime code, nothing to instrument. */
const SKIPPED_TYPES = new Set([
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSDeclareFunction',
  'TSEnumDeclaration',
  'TSTypeAnnotation',
  'TSTypeParameterDeclaration',
  'TSTypeParameterInstantiation',
  'TSEmptyBodyFunctionExpression',
  'TSAbstractMethodDefinition',
  'TSAbstractPropertyDefinition',
  'TSAbstractAccessorProperty',
  'TSIndexSignature',
  'TSImportEqualsDeclaration',
  'TSExportAssignment',
]);

/** Child keys that only ever hold TypeScript types: nothing to instrument below them. */
const TYPE_KEYS = new Set([
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'typeArguments',
  'superTypeArguments',
  'implements',
]);

/** Child keys per node type (oxc's visitor keys, without type-only keys): the walk's hot path. */
const CHILD_KEYS = new Map<string, readonly string[]>(
  Object.entries(visitorKeys as Record<string, readonly string[]>).map(([type, keys]) => [
    type,
    keys.filter((key) => !TYPE_KEYS.has(key)),
  ]),
);

/**
 * Walks the AST once, in source order: names every function, records its manifest node and
 * queues the edits (magic-string) that wrap its body. Lines are never added: every insertion
 * sits on a line that already exists.
 */
export class Instrumenter {
  readonly nodes: ManifestNode[] = [];
  private readonly allocators = new Map<string, IdAllocator>();
  private readonly C: string;
  private readonly E: string;

  constructor(
    private readonly source: string,
    private readonly edits: Insertions,
    private readonly locator: NodeLocator,
    private readonly P: string,
  ) {
    this.C = `${P}$c`;
    this.E = `${P}$e`;
  }

  /**
   * A space when `index` directly follows an identifier character: minified code writes
   * `return[a]`, `await(x)`, `of[...]`, and an insertion there must not fuse with the keyword.
   */
  private gap(index: number): string {
    return /[\w$]/.test(this.source[index - 1] ?? '') ? ' ' : '';
  }

  /** Instruments every function of the program. */
  run(program: AstNode): void {
    this.visit(program, { enclosing: '', anonScope: '', fn: null });
  }

  private allocator = (path: string): IdAllocator => {
    let ids = this.allocators.get(path);
    if (!ids) {
      ids = new IdAllocator();
      this.allocators.set(path, ids);
    }
    return ids;
  };

  private visit(node: AstNode, ctx: Context, hint?: Hint): void {
    if (SKIPPED_TYPES.has(node.type) || node.declare === true) return;
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.visitFunction(node, ctx, hint);
        return;
      case 'ClassDeclaration':
      case 'ClassExpression':
        this.visitClass(node, ctx, hint);
        return;
      case 'ObjectExpression':
        this.visitObject(node, ctx, hint);
        return;
      case 'VariableDeclarator':
        this.visitBinding(node, 'id', 'init', ctx);
        return;
      case 'AssignmentExpression':
        this.visitBinding(node, 'left', 'right', ctx);
        return;
      case 'ExportDefaultDeclaration':
        this.visitExportDefault(node, ctx);
        return;
      case 'ReturnStatement':
        this.visitReturn(node, ctx);
        return;
      case 'AwaitExpression':
        this.visitAwait(node, ctx);
        return;
      case 'YieldExpression':
        this.visitYield(node, ctx);
        return;
      case 'ForOfStatement':
        this.visitForOf(node, ctx, node.start);
        return;
      case 'LabeledStatement':
        this.visitLabeled(node, ctx);
        return;
      case 'TryStatement':
        this.visitTry(node, ctx);
        return;
      default:
        if (hint && node !== unwrap(node)) this.visit(unwrap(node), ctx, hint);
        else this.visitChildren(node, ctx);
    }
  }

  private visitChildren(node: AstNode, ctx: Context): void {
    const keys = CHILD_KEYS.get(node.type) ?? Object.keys(node);
    for (let k = 0; k < keys.length; k += 1) {
      const value = node[keys[k] as string];
      if (value === null || typeof value !== 'object') continue;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i += 1) {
          const item: unknown = value[i];
          if (isNode(item)) this.visit(item, ctx);
        }
      } else if (isNode(value)) {
        this.visit(value, ctx);
      }
    }
  }

  private visitKey(node: AstNode, key: string, ctx: Context, hint?: Hint): void {
    const value = child(node, key);
    if (value) this.visit(value, ctx, hint);
  }

  private visitAll(node: AstNode, key: string, ctx: Context): void {
    for (const item of children(node, key)) this.visit(item, ctx);
  }

  /** `const x = <fn>`, `a.b = <fn>`: the function is named by what it is assigned to. */
  private visitBinding(node: AstNode, targetKey: string, valueKey: string, ctx: Context): void {
    const target = child(node, targetKey);
    const value = child(node, valueKey);
    if (target) this.visit(target, ctx);
    if (!value) return;
    const chain = target ? memberChain(target) : undefined;
    const named = chain !== undefined && chain !== '' && isNameable(unwrap(value));
    this.visit(named ? unwrap(value) : value, ctx, named ? { name: nestedName(ctx.enclosing, chain) } : undefined);
  }

  private visitExportDefault(node: AstNode, ctx: Context): void {
    const declaration = child(node, 'declaration');
    if (!declaration) return;
    const target = unwrap(declaration);
    const anonymous = isNameable(target) || target.type === 'ClassDeclaration' || target.type === 'FunctionDeclaration';
    this.visit(target, ctx, anonymous ? { name: nestedName(ctx.enclosing, 'default') } : undefined);
  }

  private visitFunction(node: AstNode, ctx: Context, hint: Hint | undefined): void {
    const body = child(node, 'body');
    const arrow = node.type === 'ArrowFunctionExpression';
    const id = child(node, 'id');
    if (!body) return; // overloads, `declare`: no runtime code
    const kind = hint?.kind ?? (arrow ? 'arrow' : 'function');
    const flags = { async: node.async === true, generator: node.generator === true };
    // A declaration's own name wins; an expression is named by where it is assigned, else its own name.
    let name =
      node.type === 'FunctionDeclaration' && id
        ? nestedName(ctx.enclosing, id.name as string)
        : (hint?.name ?? (id ? nestedName(ctx.enclosing, id.name as string) : undefined));
    const anonymous = name === undefined;
    let manifest: ManifestNode | undefined;
    const path = this.locator.pathAt(hint?.span?.start ?? node.start, true);
    if (path !== undefined) {
      if (name === undefined) name = this.allocator(path).anonymousName(hint?.anonScope ?? ctx.anonScope, kind);
      const span = hint?.span ?? node;
      manifest = this.locator.describe(span.start, span.end, name, kind, anonymous, flags, this.allocator);
    }
    let frame: Frame | null = null;
    if (manifest) {
      frame = { index: this.nodes.length, ...flags };
      this.nodes.push(manifest);
      this.wrapBody(node, body, frame);
    }
    const inner: Context = { enclosing: name ?? ctx.enclosing, anonScope: name ?? ctx.anonScope, fn: frame };
    this.visitAll(node, 'params', inner);
    this.visit(body, inner);
  }

  private wrapBody(node: AstNode, body: AstNode, frame: Frame): void {
    const { P, C, E } = this;
    const captures = children(node, 'params')
      .map(parameterCapture)
      .filter((capture): capture is string => capture !== undefined);
    const args = captures.length > 0 ? `, [${captures.join(', ')}]` : '';
    // `(P || P$init())`: the module may not have run its prologue yet (an import cycle, see prologue()).
    const open = `const ${C} = (${P} || ${initialiser(P)}()).e(${frame.index}) ? ${P}.c(${frame.index}${args}) : null; try {`;
    const close = `} catch (${E}) { ${P}.t(${C}, ${E}); throw ${E}; } finally { ${P}.x(${C}); }`;
    if (node.expression === true && body.type !== 'BlockStatement') {
      // Expression body: `{ <open> return __tb.r(c, EXPR); <close> }` on the same lines.
      const sequence = unwrap(body).type === 'SequenceExpression' && body.type !== 'ParenthesizedExpression';
      this.edits.appendLeft(body.start, `{ ${open} return ${P}.r(${C}, ${sequence ? '(' : ''}`);
      this.edits.prependLeft(body.end, `${sequence ? ')' : ''}); ${close} }`);
      return;
    }
    // Directives ('use strict') must stay first to keep their meaning.
    let at = body.start + 1;
    let separator = ' ';
    for (const statement of children(body, 'body')) {
      if (statement.type !== 'ExpressionStatement' || typeof statement.directive !== 'string') break;
      at = statement.end;
      separator = this.source[statement.end - 1] === ';' ? ' ' : '; ';
    }
    if (at === body.end - 1) {
      // Nothing between the insertion point and `}`: one insert keeps open before close.
      this.edits.appendLeft(at, `${separator}${open} ${close} `);
    } else {
      this.edits.appendLeft(at, `${separator}${open}`);
      this.edits.prependLeft(body.end - 1, ` ${close} `);
    }
  }

  private visitClass(node: AstNode, ctx: Context, hint: Hint | undefined): void {
    this.visitAll(node, 'decorators', ctx);
    const id = child(node, 'id');
    const own = id ? nestedName(ctx.enclosing, id.name as string) : undefined;
    const name =
      (node.type === 'ClassDeclaration' ? (own ?? hint?.name) : (hint?.name ?? own)) ??
      this.allocator(this.locator.pathAt(node.start, false) ?? '').anonymousName(ctx.anonScope, 'class');
    this.visitKey(node, 'superClass', ctx);
    const members: Context = { enclosing: ctx.enclosing, anonScope: name, fn: null };
    const body = child(node, 'body');
    for (const member of body ? children(body, 'body') : []) {
      if (SKIPPED_TYPES.has(member.type) || member.declare === true) continue;
      this.visitAll(member, 'decorators', members);
      const key = child(member, 'key');
      const computed = member.computed === true;
      if (key && computed) this.visit(key, members);
      const keyText = key ? keyName(key, computed) : undefined;
      const isStatic = member.static === true;
      const value = child(member, 'value');
      if (member.type === 'MethodDefinition' && value) {
        const kind = methodKind(member.kind as string, isStatic);
        const memberName =
          kind === 'constructor' ? `${name}.constructor` : keyText === undefined ? undefined : `${name}.${keyText}`;
        const span = { start: key && !computed ? key.start : member.start, end: member.end };
        this.visitFunction(value, members, { name: memberName, kind, anonScope: name, span });
      } else if ((member.type === 'PropertyDefinition' || member.type === 'AccessorProperty') && value) {
        const target = unwrap(value);
        const named = keyText !== undefined && isNameable(target);
        this.visit(named ? target : value, members, named ? { name: `${name}.${keyText}` } : undefined);
      } else if (member.type === 'StaticBlock') {
        this.visitAll(member, 'body', members);
      } else if (member.type !== 'MethodDefinition' && member.type !== 'PropertyDefinition') {
        this.visit(member, members);
      }
    }
  }

  private visitObject(node: AstNode, ctx: Context, hint: Hint | undefined): void {
    const container = hint?.name;
    const inner: Context = container === undefined ? ctx : { ...ctx, anonScope: container };
    const member = (key: string): string =>
      container === undefined ? nestedName(ctx.enclosing, key) : `${container}.${key}`;
    for (const property of children(node, 'properties')) {
      if (property.type !== 'Property') {
        this.visit(property, inner);
        continue;
      }
      const key = child(property, 'key');
      const computed = property.computed === true;
      if (key && computed) this.visit(key, inner);
      const keyText = key ? keyName(key, computed) : undefined;
      const value = child(property, 'value');
      if (!value) continue;
      const accessor = property.kind === 'get' ? 'getter' : property.kind === 'set' ? 'setter' : undefined;
      if ((property.method === true || accessor) && FUNCTION_TYPES.has(value.type)) {
        this.visitFunction(value, inner, {
          name: keyText === undefined ? undefined : member(keyText),
          kind: accessor ?? 'method',
          anonScope: inner.anonScope,
          span: { start: key && !computed ? key.start : property.start, end: property.end },
        });
        continue;
      }
      const target = unwrap(value);
      const named = keyText !== undefined && property.shorthand !== true && isNameable(target);
      this.visit(named ? target : value, inner, named && keyText !== undefined ? { name: member(keyText) } : undefined);
    }
  }

  private visitReturn(node: AstNode, ctx: Context): void {
    const argument = child(node, 'argument');
    if (!argument) return;
    if (ctx.fn) {
      const sequence = argument.type === 'SequenceExpression';
      this.edits.appendLeft(argument.start, `${this.gap(argument.start)}${this.P}.r(${this.C}, ${sequence ? '(' : ''}`);
      this.edits.prependLeft(argument.end, sequence ? '))' : ')');
    }
    this.visit(argument, ctx);
  }

  /** `await X` -> `__tb.u(c, await __tb.s(c, X))`: the call is not current while suspended. */
  private visitAwait(node: AstNode, ctx: Context): void {
    const argument = child(node, 'argument');
    if (ctx.fn?.async && argument) {
      const { P, C } = this;
      this.edits.appendLeft(node.start, `${P}.u(${C}, `);
      this.edits.prependLeft(node.end, ')');
      this.edits.appendLeft(argument.start, `${this.gap(argument.start)}${P}.s(${C}, `);
      this.edits.prependLeft(argument.end, ')');
    }
    if (argument) this.visit(argument, ctx);
  }

  /** `yield X` -> `__tb.u(c, yield __tb.s(c, X))`; `yield* X` wraps X in `__tb.i(c, X)` too; bare `yield` yields undefined. */
  private visitYield(node: AstNode, ctx: Context): void {
    const argument = child(node, 'argument');
    if (ctx.fn?.generator) {
      const { P, C } = this;
      this.edits.appendLeft(node.start, `${P}.u(${C}, `);
      if (argument) {
        // yield* drives another iterator: i() makes its steps run with this call current.
        const delegate = node.delegate === true;
        this.edits.prependLeft(node.end, ')');
        this.edits.appendLeft(
          argument.start,
          `${this.gap(argument.start)}${P}.s(${C}, ${delegate ? `${P}.i(${C}, ` : ''}`,
        );
        this.edits.prependLeft(argument.end, delegate ? '))' : ')');
      } else {
        // Both inserts sit at the end of `yield`, before any closing text of enclosing rewrites.
        this.edits.prependLeft(node.end, ')');
        this.edits.prependLeft(node.end, ` ${P}.s(${C}, undefined)`);
      }
    }
    if (argument) this.visit(argument, ctx);
  }

  /** Labels stay on the loop, so the block that wraps a `for await` opens before them. */
  private visitLabeled(node: AstNode, ctx: Context): void {
    let body = child(node, 'body');
    while (body?.type === 'LabeledStatement') body = child(body, 'body');
    if (body?.type === 'ForOfStatement' && body.await === true) {
      this.visitForOf(body, ctx, node.start);
      return;
    }
    this.visitChildren(node, ctx);
  }

  private visitForOf(node: AstNode, ctx: Context, start: number): void {
    const right = child(node, 'right');
    const body = child(node, 'body');
    if (node.await === true && ctx.fn?.async && right && body) {
      const { P, C } = this;
      this.edits.appendLeft(start, '{ ');
      this.edits.prependLeft(node.end, ` ${P}.u(${C}); }`);
      // i() makes the loop's next() calls run with this call current (the iterated generator's parent).
      this.edits.appendLeft(right.start, `${this.gap(right.start)}${P}.s(${C}, ${P}.i(${C}, `);
      this.edits.prependLeft(right.end, '))');
      const block = body.type === 'BlockStatement';
      this.edits.appendLeft(body.start, `{ ${P}.u(${C}); try ${block ? '' : '{ '}`);
      this.edits.prependLeft(body.end, `${block ? '' : ' }'} finally { ${P}.s(${C}); } }`);
    }
    this.visitChildren(node, ctx);
  }

  /** In async functions and generators a catch / finally may run on resumption: the call is current again. */
  private visitTry(node: AstNode, ctx: Context): void {
    if (ctx.fn && (ctx.fn.async || ctx.fn.generator)) {
      const handler = child(node, 'handler');
      const handlerBody = handler ? child(handler, 'body') : undefined;
      const finalizer = child(node, 'finalizer');
      for (const block of [handlerBody, finalizer]) {
        if (block) this.edits.appendLeft(block.start + 1, ` ${this.P}.u(${this.C});`);
      }
    }
    this.visitChildren(node, ctx);
  }
}

function methodKind(kind: string, isStatic: boolean): FunctionKind {
  switch (kind) {
    case 'constructor':
      return 'constructor';
    case 'get':
      return isStatic ? 'static-getter' : 'getter';
    case 'set':
      return isStatic ? 'static-setter' : 'setter';
    default:
      return isStatic ? 'static-method' : 'method';
  }
}
