import type { FunctionKind } from './ids';

/**
 * One instrumented function, as published in the module descriptor and the manifest.
 * Positions are 1-based lines and columns of the ORIGINAL source (through source maps).
 */
export interface ManifestNode {
  ast_node_id: string;
  kind: FunctionKind;
  /** Qualified name (`OrderService.place`, `main/helper`, `<module>/arrow#1`). */
  name: string;
  line: number;
  column: number;
  /** Position just after the function's last character. */
  end_line: number;
  end_column: number;
  /** First 16 hex characters of the SHA-256 of the function's original source text. */
  hash: string;
  async: boolean;
  generator: boolean;
}

/** The JSON literal passed to `module()` at the top of an instrumented file. */
export interface ModuleDescriptor {
  /** Project-relative POSIX path of the original source. */
  file: string;
  /** Node i is the function whose probes use index i. */
  nodes: ManifestNode[];
}

/** Marks instrumented output; input containing it is left alone. */
export const INSTRUMENTED_MARKER = '/*@temporal-bridge:instrumented*/';

/** The global the probe runtime installs its host under. */
export const PROBES_GLOBAL = 'temporal-bridge.probes';

/** The prologue's lookup of the probe host, as any bundler or minifier prints it. */
const PROBES_LOOKUP = /Symbol\.for\(\s*["'`]temporal-bridge\.probes["'`]\s*\)/;

/**
 * Whether code was instrumented already: it carries the marker, or, where a
 * bundler dropped the comment (esbuild keeps only legal comments, minifiers
 * none), the prologue's `Symbol.for('temporal-bridge.probes')`, which no
 * bundler rewrites. Such code is left alone: instrumenting it again would
 * record every call twice and instrument the bundler's own helpers.
 */
export function isInstrumented(code: string): boolean {
  return code.includes(INSTRUMENTED_MARKER) || PROBES_LOOKUP.test(code);
}

/**
 * Probes that do nothing, inlined into every file so instrumented code runs without a runtime:
 * `e` says "not recorded", `r`/`s`/`u`/`i` hand back their value, `module` returns the same object.
 */
export const NOOP_PROBES =
  '{ e() { return false; }, c() { return null; }, r(c, v) { return v; }, t() {}, x() {}, ' +
  's(c, v) { return v; }, u(c, v) { return v; }, i(c, v) { return v; }, module() { return this; } }';

/**
 * The one-line prologue (no newline: line numbers must not move).
 *
 * `var` plus a hoisted initialiser, not `const`: in an import cycle (ESM or
 * CommonJS) a hoisted function of this module can be called before the
 * module's body has run; its probe then initialises the module itself
 * (`(__tb || __tb$init()).e(i)`) instead of hitting a TDZ ReferenceError.
 */
export function prologue(identifier: string, descriptor: ModuleDescriptor): string {
  // U+2028/9 are line terminators for V8's line counting: keep them escaped in the JSON.
  const json = JSON.stringify(descriptor).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  const init = initialiser(identifier);
  return (
    `${INSTRUMENTED_MARKER}var ${identifier} = ${init}(); function ${init}() { return ${identifier} || ` +
    `(${identifier} = (globalThis[Symbol.for('${PROBES_GLOBAL}')] ?? ${NOOP_PROBES}).module(${json})); }`
  );
}

/** Name of the hoisted function that initialises a module's probes (`__tb$init`). */
export function initialiser(identifier: string): string {
  return `${identifier}$init`;
}
