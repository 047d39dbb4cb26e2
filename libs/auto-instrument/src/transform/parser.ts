import { createRequire } from 'node:module';

import type * as Oxc from 'oxc-parser' with { 'resolution-mode': 'import' };

/**
 * oxc-parser ships as ES modules only. This package is CommonJS (like the rest of the SDK) and
 * the module hooks that call it are synchronous, so it is loaded with require(): Node >= 20.19
 * loads an ES module synchronously when it has no top-level await, which oxc-parser has not.
 */
const oxc = createRequire(__filename)('oxc-parser') as typeof Oxc;

/**
 * oxc-parser's parseSync. Its faster "raw transfer" mode (shared memory instead of JSON) needs
 * Node >= 22; it is left off until it can be tested on the Node version CI runs (20).
 */
export const parseSync = oxc.parseSync;

/** The child keys of every ESTree node type, for walking the AST. */
export const visitorKeys = oxc.visitorKeys;
export type ParserOptions = Oxc.ParserOptions;
