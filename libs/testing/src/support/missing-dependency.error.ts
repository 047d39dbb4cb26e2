/** Thrown when a test needs a service that this machine cannot provide. */
export class MissingTestDependencyError extends Error {
  override readonly name = 'MissingTestDependencyError';

  constructor(service: string, howToFix: string, cause?: unknown) {
    super(
      `${service} for tests: no address in the environment, no container engine, and no local fallback. ${howToFix}`,
      { cause },
    );
  }
}
