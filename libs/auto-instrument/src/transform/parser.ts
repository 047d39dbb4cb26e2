import { createRequire } from 'node:module';

import type * as Oxc from 'oxc-parser' with { 'resolution-mode': 'import' };

/**
 * oxc-parser ships as ES modules only. This package is CommonJS (like the rest of the SDK) and
 * the module hooks that call it are synchronous, so it is loaded with require(): Node >= 20.19
 * loads an ES module synchronously when it has no top-level await, which oxc-parser has not.
 */
const oxc = createRequire(__filename)('oxc-parser') as typeof Oxc;

/**
 * On Node >= 22 oxc-parser can hand the AST over through shared memory ("raw transfer")
 * instead of a JSON string that JS must parse, which is most of the parse cost on Node 20.
 */
const rawTransfer = oxc.rawTransferSupported();

/** oxc-parser's parseSync, with raw transfer where the platform supports it. */
export function parseSync(filename: string, code: string, options: Oxc.ParserOptions): Oxc.ParseResult {
  return oxc.parseSync(
    filename,
    code,
    rawTransfer ? ({ ...options, experimentalRawTransfer: true } as Oxc.ParserOptions) : options,
  );
}
export const visitorKeys = oxc.visitorKeys;
export type ParserOptions = Oxc.ParserOptions;
