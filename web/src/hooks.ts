import { useCallback, useEffect, useRef, useState } from 'react';

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

// Runs `load` when `deps` change; keeps the last data while reloading.
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [nonce, setNonce] = useState(0);
  // Loading until the request for the current deps has settled: derived, not
  // set to true in the effect (a synchronous setState there renders twice).
  const wanted = [...deps, nonce];
  const [settled, setSettled] = useState<unknown[]>();
  const loading =
    settled === undefined ||
    settled.length !== wanted.length ||
    settled.some((d, i) => !Object.is(d, wanted[i]));
  useEffect(() => {
    let live = true;
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
        setSettled(wanted);
      },
      (e) => {
        if (!live) return;
        setError(e);
        setSettled(wanted);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}

// Calls `onFrame(topic, data)` for each frame of the given topics on the
// server's event stream (GET /api/v1/stream) while the component is shown.
// EventSource reconnects by itself; where there is none (tests) nothing runs.
export function useStreamFrames(
  topics: string[],
  onFrame: (topic: string, data: string) => void,
): void {
  // The latest onFrame, set after each render (not during it) without
  // reconnecting the stream.
  const handler = useRef(onFrame);
  useEffect(() => {
    handler.current = onFrame;
  });
  const key = topics.join(',');
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/stream', { withCredentials: true });
    const listeners = key.split(',').map((topic) => {
      const f = (e: MessageEvent) => handler.current(topic, String(e.data));
      source.addEventListener(topic, f);
      return [topic, f] as const;
    });
    return () => {
      for (const [topic, f] of listeners) source.removeEventListener(topic, f);
      source.close();
    };
  }, [key]);
}
