/**
 * Marks a test that needs a container engine. Where none answers it is
 * skipped, and scripts/run-tests.mjs counts it on its own line as not run
 * (for want of a container engine) instead of as a failure; any other
 * skipped test still fails the run.
 */
export const NOT_RUN_MARKER = '[needs a container engine]';
