import type MagicString from 'magic-string';

/**
 * Collects insertions (the transform only ever inserts) and applies them to magic-string in
 * source order. The walk inserts out of order (a body's open, its nested edits, then its close
 * far ahead), and magic-string finds the chunk to split by walking from the last one it
 * touched: applied as they come, edits cost time quadratic in the number of functions.
 *
 * Order at one offset is that of magic-string: `prependLeft` text (latest first), then
 * `appendLeft` text (earliest first).
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

  /** Writes every insertion into `target`, one per offset, in ascending order. */
  applyTo(target: MagicString): void {
    const offsets = new Set([...this.prepended.keys(), ...this.appended.keys()]);
    for (const index of [...offsets].sort((a, b) => a - b)) {
      const before = this.prepended.get(index)?.reverse().join('') ?? '';
      const after = this.appended.get(index)?.join('') ?? '';
      target.appendLeft(index, before + after);
    }
  }
}
