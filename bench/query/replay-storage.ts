import type { QueryStorage } from '@temporal-bridge/query';
import type { EventPage } from '@temporal-bridge/temporal-storage';

/**
 * Answers getEventsForCorrelation from pages recorded on the real storage:
 * the HTTP layer serving real-sized answers with no ClickHouse behind it, to
 * show what the service itself can sustain apart from storage.
 */
export class ReplayStorage implements Pick<QueryStorage, 'getEventsForCorrelation' | 'ping'> {
  private constructor(private readonly pages: ReadonlyMap<string, EventPage>) {}

  static async record(storage: QueryStorage, correlationIds: string[], limit: number): Promise<ReplayStorage> {
    const pages = new Map<string, EventPage>();
    for (const id of correlationIds) pages.set(id, await storage.getEventsForCorrelation(id, { limit }));
    return new ReplayStorage(pages);
  }

  async getEventsForCorrelation(id: string): Promise<EventPage> {
    const page = this.pages.get(id);
    if (page === undefined) throw new Error(`no recorded page for ${id}`);
    return page;
  }

  async ping(): Promise<void> {}
}
