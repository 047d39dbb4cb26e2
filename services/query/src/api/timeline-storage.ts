import type { CallPage, CallsOptions, EventHistogram, HistogramOptions } from '@temporal-bridge/temporal-storage';

/** The storage primitives behind the Cinema UI's timeline (GET /v1/calls, GET /v1/events/histogram). */
export interface TimelineStorage {
  getCallsInWindow(from: bigint, to: bigint, options?: CallsOptions): Promise<CallPage>;
  getEventHistogram(from: bigint, to: bigint, buckets: number, options?: HistogramOptions): Promise<EventHistogram>;
}
