import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoPath } from '@temporal-bridge/testing';
import { afterAll, describe, expect, it } from 'vitest';

import { renderKustomization, type Manifest } from './kustomize';
import { manifestProblems } from './manifest-check';

const K8S = repoPath('deploy/k8s');
const OVERLAYS = ['base', 'overlays/small', 'overlays/large'];
const scratch = mkdtempSync(join(tmpdir(), 'tb-k8s-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of deploy/k8s with one file edited. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(scratch, 'copy-'));
  cpSync(K8S, dir, { recursive: true });
  const path = join(dir, file);
  const original = readFileSync(path, 'utf8');
  const edited = edit(original);
  expect(edited).not.toBe(original);
  writeFileSync(path, edited);
  return dir;
}

const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);

describe('deploy/k8s renders with kubectl kustomize and validates against the Kubernetes schemas', () => {
  it.each(OVERLAYS)('%s', async (overlay) => {
    const manifests = await renderKustomization(join(K8S, overlay));
    expect(manifestProblems(overlay, manifests)).toEqual([]);
    const kinds = manifests.map((m) => `${String(m.kind)}/${String((m.metadata as { name: string }).name)}`).sort();
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Deployment/temporal-bridge',
        'Deployment/temporal-query',
        'HorizontalPodAutoscaler/temporal-bridge',
        'HorizontalPodAutoscaler/temporal-query',
        'PodDisruptionBudget/temporal-bridge',
        'Service/temporal-query',
      ]),
    );
    expect(byKind(manifests, 'ConfigMap')).toHaveLength(1);
  });

  it('the overlays size the fleet differently and the large one uses the cluster layout', async () => {
    const [small, large] = await Promise.all([
      renderKustomization(join(K8S, 'overlays/small')),
      renderKustomization(join(K8S, 'overlays/large')),
    ]);
    const maxBridges = (ms: Manifest[]) =>
      (
        byKind(ms, 'HorizontalPodAutoscaler').find((m) => (m.metadata as { name: string }).name === 'temporal-bridge')
          ?.spec as { maxReplicas: number }
      ).maxReplicas;
    expect(maxBridges(small)).toBe(6);
    expect(maxBridges(large)).toBe(24);
    const config = (ms: Manifest[]) => (byKind(ms, 'ConfigMap')[0]?.data ?? {}) as Record<string, string>;
    expect(config(large).CLICKHOUSE_CLUSTER).toBe('temporal');
    expect(config(small).CLICKHOUSE_CLUSTER).toBeUndefined();
  });
});

describe('a broken manifest fails', () => {
  it('the schema: replicas and a container port as strings', async () => {
    const dir = brokenCopy('base/bridge.yaml', (t) =>
      t.replace('replicas: 2', "replicas: 'two'").replace('containerPort: 4001', "containerPort: '4001x'"),
    );
    const problems = manifestProblems('copy', await renderKustomization(join(dir, 'overlays/small')));
    const messages = problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(/replicas must be integer/);
    expect(messages).toMatch(/containerPort must be integer/);
  });

  it('the project rules: a probe off /readyz, an inline Secret, an HPA on a missing Deployment', async () => {
    const dir = brokenCopy('base/query.yaml', (t) =>
      t
        .replace('path: /readyz', 'path: /ready')
        .replace('name: temporal-query }', 'name: temporal-queries }')
        .concat(
          '---\napiVersion: v1\nkind: Secret\nmetadata: { name: oops }\nstringData: { CLICKHOUSE_PASSWORD: hunter2 }\n',
        ),
    );
    const messages = manifestProblems('copy', await renderKustomization(join(dir, 'base'))).map((p) => p.message);
    expect(messages).toContain('readinessProbe is not GET /readyz');
    expect(messages).toContain('a Secret is rendered: secrets come from the environment only');
    expect(messages).toContain('scales no Deployment of this render: temporal-queries');
  });

  it('the render: a kustomization naming a missing file', async () => {
    const dir = brokenCopy('base/kustomization.yaml', (t) => t.replace('- query.yaml', '- queries.yaml'));
    await expect(renderKustomization(join(dir, 'base'))).rejects.toThrow(/kubectl kustomize .* failed/);
  });
});
