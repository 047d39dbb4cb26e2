/**
 * Probes that do nothing, for a module whose descriptor the host cannot use
 * (the module still runs, uninstrumented in effect). Same shape as the
 * transform's inline NOOP.
 */
export const NOOP_PROBES = {
  module(): object {
    return NOOP_PROBES;
  },
  e: (): boolean => false,
  c: (): null => null,
  r: <T>(_call: unknown, v: T): T => v,
  t: (): void => undefined,
  x: (): void => undefined,
  s: <T>(_call: unknown, v: T): T => v,
  u: <T>(_call: unknown, v?: T): T => v as T,
  i: <T>(_call: unknown, v: T): T => v,
};
