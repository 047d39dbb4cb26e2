let probe: Promise<boolean> | undefined;

/**
 * Whether a container engine answers (Docker, Podman, ...), as testcontainers
 * sees it. Probed once per process. `TB_TEST_CONTAINERS=0` forces local
 * processes, `=1` forces containers (and fails loudly when none answers).
 */
export function containerEngineAvailable(): Promise<boolean> {
  const forced = process.env['TB_TEST_CONTAINERS'];
  if (forced === '0') return Promise.resolve(false);
  probe ??= import('testcontainers')
    .then(({ getContainerRuntimeClient }) => getContainerRuntimeClient())
    .then(
      () => true,
      (error: unknown) => {
        if (forced === '1') {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`TB_TEST_CONTAINERS=1 but no container engine answers: ${reason}`);
        }
        return false;
      },
    );
  return probe;
}
