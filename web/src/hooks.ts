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
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e) => {
        if (!live) return;
        setError(e);
        setLoading(false);
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
  const handler = useRef(onFrame);
  handler.current = onFrame;
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
