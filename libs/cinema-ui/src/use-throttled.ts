import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * `value`, at most once per `ms`: the first change after a quiet spell goes
 * through at once (a click answers without delay), changes during a drag
 * are coalesced, and the last one always arrives. What requests follow, so
 * that dragging does not flood the server (stale answers are cancelled by
 * the effects that read it).
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  const last = useRef(0);
  const mounted = useRef(false);
  useEffect(() => {
    // Mounting is not a change: the first value to follow it (a view just resolved) goes through at once.
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      setSettled(value);
      return;
    }
    const timer = setTimeout(() => {
      last.current = Date.now();
      setSettled(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
