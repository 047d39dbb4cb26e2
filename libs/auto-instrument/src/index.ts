export {
  transformSource,
  type TransformOptions,
  type TransformResult,
  type SourceMapObject,
} from './transform/transform-source';
export {
  INSTRUMENTED_MARKER,
  isInstrumented,
  NOOP_PROBES,
  PROBES_GLOBAL,
  type ManifestNode,
  type ModuleDescriptor,
} from './transform/manifest';
export { type FunctionKind, MAX_ID_LENGTH, shortenId } from './transform/ids';
