import { createRequire } from 'node:module';

import type { Problem } from '../compose/compose-check';
import type { Manifest } from './kustomize';

const require_ = createRequire(__filename);

type Json = Record<string, unknown>;
type Model = new (data: unknown) => { validate(): void };

/** The kubernetes-models class for an apiVersion and kind, e.g. apps/v1 Deployment. */
function modelFor(apiVersion: string, kind: string): Model | undefined {
  try {
    const mod = require_(`kubernetes-models/${apiVersion}`) as Record<string, Model | undefined>;
    return mod[kind];
  } catch {
    return undefined;
  }
}

/**
 * Checks rendered objects: each against the Kubernetes schema of its
 * apiVersion and kind (kubernetes-models validates types, required fields
 * and formats; it does not reject unknown fields), then what the project
 * relies on: probes on /healthz and /readyz, no secret values in the
 * repository (a Secret object must not be rendered; Deployments reference
 * one by name), and autoscalers and disruption budgets that point at a
 * Deployment of the same render.
 */
export function manifestProblems(source: string, manifests: readonly Manifest[]): Problem[] {
  const problems: Problem[] = [];
  const deployments = new Map<string, Json>();
  for (const manifest of manifests) {
    const apiVersion = String(manifest.apiVersion);
    const kind = String(manifest.kind);
    const name = String((manifest.metadata as Json | undefined)?.name);
    const where = `${kind}/${name}`;
    const Model = modelFor(apiVersion, kind);
    if (Model === undefined) {
      problems.push({ file: source, where, message: `unknown apiVersion/kind ${apiVersion} ${kind}` });
      continue;
    }
    try {
      new Model(manifest).validate();
    } catch (error) {
      problems.push({ file: source, where, message: (error as Error).message });
    }
    if (kind === 'Deployment') deployments.set(name, manifest);
    if (kind === 'Secret') {
      problems.push({ file: source, where, message: 'a Secret is rendered: secrets come from the environment only' });
    }
  }
  for (const [name, deployment] of deployments) problems.push(...deploymentProblems(source, name, deployment));
  for (const manifest of manifests) {
    const kind = String(manifest.kind);
    const name = String((manifest.metadata as Json | undefined)?.name);
    const spec = (manifest.spec ?? {}) as Json;
    if (kind === 'HorizontalPodAutoscaler') {
      const target = (spec.scaleTargetRef ?? {}) as Json;
      if (target.kind !== 'Deployment' || !deployments.has(String(target.name))) {
        problems.push({
          file: source,
          where: `${kind}/${name}`,
          message: `scales no Deployment of this render: ${String(target.name)}`,
        });
      }
    }
    if (kind === 'PodDisruptionBudget' || kind === 'Service') {
      const selector = (kind === 'Service' ? spec.selector : (spec.selector as Json | undefined)?.matchLabels) as
        Json | undefined;
      const matches = [...deployments.values()].some((d) => labelsMatch(selector ?? {}, podLabels(d)));
      if (!matches)
        problems.push({ file: source, where: `${kind}/${name}`, message: 'selects no Deployment of this render' });
    }
  }
  return problems;
}

function deploymentProblems(source: string, name: string, deployment: Json): Problem[] {
  const problems: Problem[] = [];
  const template = ((deployment.spec as Json | undefined)?.template ?? {}) as Json;
  const containers = ((template.spec as Json | undefined)?.containers ?? []) as Json[];
  for (const container of containers) {
    const where = `Deployment/${name}/${String(container.name)}`;
    const probePath = (probe: string) => ((container[probe] as Json | undefined)?.httpGet as Json | undefined)?.path;
    if (probePath('readinessProbe') !== '/readyz')
      problems.push({ file: source, where, message: 'readinessProbe is not GET /readyz' });
    if (probePath('livenessProbe') !== '/healthz')
      problems.push({ file: source, where, message: 'livenessProbe is not GET /healthz' });
    const image = String(container.image);
    if (!/:[\w][\w.-]*$/.test(image.split('/').pop() ?? '') || image.endsWith(':latest')) {
      problems.push({ file: source, where, message: `image is not pinned to a tag: ${image}` });
    }
  }
  return problems;
}

function podLabels(deployment: Json): Json {
  return ((((deployment.spec as Json).template as Json | undefined)?.metadata as Json | undefined)?.labels ??
    {}) as Json;
}

function labelsMatch(selector: Json, labels: Json): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}
