// Public entry of @temporal-bridge/deploy-checks: the checks CI runs on the deployment files.
export { composeModelProblems, composeSchemaProblems, readComposeFile } from './compose/compose-check';
export type { Problem } from './compose/compose-check';
export { dockerfileProblems } from './dockerfile/dockerfile-check';
export { dashboardExpressions, expandVariables, exportedMetricNames, metricNames } from './grafana/dashboard-metrics';
export { renderKustomization } from './kubernetes/kustomize';
export type { Manifest } from './kubernetes/kustomize';
export { manifestProblems } from './kubernetes/manifest-check';
