/** An in-memory store with async saves and an async generator over its pages. */
export class Repo<T extends { id: number }> {
  private readonly rows: T[] = [];
  private nextId = 1;

  save(row: T): Promise<T> {
    return Promise.resolve(row)
      .then((r) => ({ ...r, id: this.nextId++ }))
      .then((stored) => {
        this.rows.push(stored);
        return stored;
      });
  }

  async *pages(size: number): AsyncGenerator<T[]> {
    for (let i = 0; i < this.rows.length; i += size) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yield this.rows.slice(i, i + size);
    }
  }

  get size(): number {
    return this.rows.length;
  }
}
