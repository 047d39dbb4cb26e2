/**
 * Sampling decisions. A trace is decided once, at its root call (the root's
 * AST node rate times the trace rate); every call and event inside follows
 * that decision, so a kept trace is complete and a dropped one emits nothing.
 * Events outside any call are decided one by one by their AST node's rate.
 *
 * @example
 * const sampler = new Sampler({ defaultRate: 1, traceRate: 0.1, astNodeRates: new Map([['health', 0]]) }, Math.random);
 * sampler.root('health'); // always false
 */
export class Sampler {
  private readonly keepAll: boolean;

  constructor(
    private readonly rates: { defaultRate: number; traceRate: number; astNodeRates: ReadonlyMap<string, number> },
    private readonly random: () => number,
  ) {
    this.keepAll = rates.defaultRate >= 1 && rates.traceRate >= 1 && rates.astNodeRates.size === 0;
  }

  /** Whether a trace rooted at `astNodeId` is kept. */
  root(astNodeId: string | undefined): boolean {
    if (this.keepAll) return true;
    return this.node(astNodeId) && this.draw(this.rates.traceRate);
  }

  /** Whether an event (or root call) of `astNodeId` is kept, by its node's rate alone. */
  node(astNodeId: string | undefined): boolean {
    if (this.keepAll) return true;
    const rate = astNodeId === undefined ? undefined : this.rates.astNodeRates.get(astNodeId);
    return this.draw(rate ?? this.rates.defaultRate);
  }

  private draw(rate: number): boolean {
    return rate >= 1 || (rate > 0 && this.random() < rate);
  }
}
