// Public entry of the SDK. Applications import from here only.
// (Automatic instrumentation's module hooks live in ./register, which alone loads the parser.)
export type { ManifestNode, ModuleDescriptor } from './auto/descriptor';
export { DEFAULT_NODE_BUDGET, ProbeHost } from './auto/probe-host';
export type { NodeCount, ProbeHostOptions } from './auto/probe-host';
export { DEFAULT_REDACT_KEYS, REDACTED, Redactor } from './capture/redactor';
export type { RetryOptions } from './pipeline/backoff';
export type { DropPolicy } from './pipeline/event-queue';
export type { FlushResult } from './pipeline/event-sender';
export type { DropCounts, RuntimeStats } from './pipeline/runtime-stats';
export { CallContext, CallHandle } from './runtime/call-context';
export type { TracedOptions } from './runtime/call-tracer';
export { getRuntime, install, traced, uninstall } from './runtime/default-runtime';
export { InstrumentationRuntime } from './runtime/instrumentation-runtime';
export type { LogLevel } from './runtime/runtime-core';
export { InstrumentationConfigError } from './runtime/runtime-options';
export type {
  CaptureOptions,
  DropReport,
  InstrumentationOptions,
  QueueOptions,
  SamplingOptions,
  TransportConfig,
} from './runtime/runtime-options';
export { Traced } from './runtime/traced.decorator';
export type { TracedDecoratorOptions } from './runtime/traced.decorator';
export type { HttpEndpointOptions } from './support/http';
export type { IdGenerator } from './support/ids';
export { createTransport } from './transports/create-transport';
export { HttpTransport } from './transports/http.transport';
export { InProcessTransport } from './transports/in-process.transport';
export { DEFAULT_TOPIC, KafkaTransport } from './transports/kafka.transport';
export type { KafkaTransportOptions } from './transports/kafka.transport';
export { TransportError } from './transports/transport';
export type { RejectedEvent, SendResult, Transport } from './transports/transport';
export type {
  ActiveCall,
  AstNode,
  AstNodeLocation,
  AstNodeStats,
  AstNodeStatsList,
  ExecutionPath,
  PathStep,
  RemoteStats,
  StateEntry,
  StateSnapshot,
  TracePage,
  TraceSummary,
} from './remote/remote-answers';
export { InvalidEventError, RemoteBridgeError } from './remote/remote-bridge.error';
export { RemoteTemporalBridge } from './remote/remote-temporal-bridge';
export type { RemoteTemporalBridgeOptions } from './remote/remote-temporal-bridge';
