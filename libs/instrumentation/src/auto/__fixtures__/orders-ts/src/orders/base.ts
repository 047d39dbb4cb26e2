export interface Order {
  id: number;
  items: string[];
  total: number;
}

/** A base class whose constructor and methods the subclass reaches through super. */
export abstract class BaseService {
  protected readonly log: string[] = [];

  constructor(readonly name: string) {
    this.log.push(`created ${name}`);
  }

  describe(): string {
    return `${this.name} (${this.log.length} entries)`;
  }

  protected record(line: string): void {
    this.log.push(line);
  }
}
