// The storage benchmark's reusable parts: the deterministic dataset (the
// query-service benchmark loads the same events) and the query plan.
export { SyntheticDataset } from './dataset';
export type { DatasetOptions, DatasetSample } from './dataset';
export { loadDataset } from './load';
export type { LoadFigures, LoadOptions } from './load';
export { primitives, runPrimitives } from './primitives';
export type { PrimitiveResult, QueryPlan } from './primitives';
export { summarize, measure } from './percentiles';
export type { LatencySummary } from './percentiles';
export { Random } from './random';
