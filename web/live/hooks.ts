import { useEffect, useState } from "preact/hooks";
import type { LiveStore } from "./live-store";

/**
 * Re-renders when the store changes, at most once per `intervalMs`: readings can arrive by the
 * hundred per second and the eye does not need more than a few frames of it.
 */
export function useStoreVersion(store: LiveStore, intervalMs = 250): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe(() => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        setVersion(store.version);
      }, intervalMs);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [store, intervalMs]);
  return version;
}

/** The local clock, refreshed every `intervalMs` (for "offline since…" and staleness). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
