import type { PageOptions } from './storage.types';

/** A call overlapping a window (GET /v1/calls): what a timeline draws. */
export interface WindowCall {
  correlation_id: string;
  /** event_id of the function_entry. */
  entry_event_id: string;
  entry_timestamp: bigint;
  /** null while no function_exit of this call is stored: the call is open. */
  exit_timestamp: bigint | null;
  /** event_id of the function_exit, when one is stored. */
  exit_event_id?: string;
  /** exit - entry; null for an open call. */
  duration_ns: bigint | null;
  /** The call raised: its exit carries data.error, or an `error` event belongs to it. */
  error: boolean;
  parent_id?: string;
  trace_id?: string;
  ast_node_id?: string;
  service?: string;
  /** data.function / data.module of the entry, when given. */
  function?: string;
  module?: string;
}

/** One page of calls in entry order (entry time, then correlation id). */
export interface CallPage {
  calls: WindowCall[];
  /** null when this page is the last. */
  next_cursor: string | null;
}

export interface CallsOptions extends PageOptions {
  service?: string;
  trace_id?: string;
}

/** Event counts over equal time buckets covering [from, to]. */
export interface EventHistogram {
  from: bigint;
  to: bigint;
  /** Width of every bucket, ns; bucket i covers [from + i*bucket_ns, from + (i+1)*bucket_ns). */
  bucket_ns: bigint;
  /** Every bucket, empty ones included, in time order; the last one may end after `to`. */
  buckets: Array<{ start: bigint; events: number; errors: number }>;
}

export interface HistogramOptions {
  service?: string;
  signal?: AbortSignal;
}
