/**
 * Collects insertions (the transform only ever inserts) so they can be applied in source order:
 * the walk inserts out of order (a body's open, its nested edits, then its close far ahead).
 * (Applied to magic-string as they came, they cost time quadratic in the number of functions;
 * the output and its source map are now built straight from the sorted list, see edit-map.ts.)
 *
 * Order at one offset (that of magic-string's methods of the same names): `prependLeft` text
 * (latest first), then `appendLeft` text (earliest first).
 */
export class Insertions {
  private readonly prepended = new Map<number, string[]>();
  private readonly appended = new Map<number, string[]>();

  /** Text after what is already inserted at `index`. */
  appendLeft(index: number, text: string): void {
    const list = this.appended.get(index);
    if (list) list.push(text);
    else this.appended.set(index, [text]);
  }

  /** Text before what is already inserted at `index`. */
  prependLeft(index: number, text: string): void {
    const list = this.prepended.get(index);
    if (list) list.push(text);
    else this.prepended.set(index, [text]);
  }

  /**
   * The insertions in ascending order of offset, one text per offset (several insertions at one
   * offset joined in the order above).
   */
  sorted(): { offsets: number[]; texts: string[] } {
    const offsets = [...new Set([...this.prepended.keys(), ...this.appended.keys()])].sort((a, b) => a - b);
    const texts = offsets.map(
      (index) => (this.prepended.get(index)?.reverse().join('') ?? '') + (this.appended.get(index)?.join('') ?? ''),
    );
    return { offsets, texts };
  }
}

/** `code` with `texts[i]` inserted before the character at `offsets[i]` (ascending). */
export function applyInsertions(code: string, offsets: readonly number[], texts: readonly string[]): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < offsets.length; i += 1) {
    const at = offsets[i] as number;
    out += code.slice(from, at) + (texts[i] as string);
    from = at;
  }
  return out + code.slice(from);
}
