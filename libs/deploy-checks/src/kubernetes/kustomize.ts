import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { parseAllDocuments } from 'yaml';

const execFileAsync = promisify(execFile);

/** A rendered Kubernetes object, as YAML gives it. */
export type Manifest = Record<string, unknown> & { apiVersion?: unknown; kind?: unknown; metadata?: unknown };

/**
 * Renders a kustomization offline with `kubectl kustomize` and returns its
 * objects. Rejects with kubectl's own message when it cannot render, or
 * with what to install when kubectl is missing (no skip: CI needs it).
 */
export async function renderKustomization(
  dir: string,
  kubectl = process.env.KUBECTL ?? 'kubectl',
): Promise<Manifest[]> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(kubectl, ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error(
        `${kubectl} not found: install kubectl (Debian: apt-get install kubernetes-client) or set KUBECTL`,
        { cause: error },
      );
    }
    throw new Error(`kubectl kustomize ${dir} failed: ${failure.stderr?.trim() ?? failure.message}`, { cause: error });
  }
  return parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as unknown)
    .filter((value): value is Manifest => typeof value === 'object' && value !== null);
}
