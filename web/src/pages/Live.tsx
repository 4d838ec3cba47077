// The live view, fed by the server's event stream (GET /api/v1/stream,
// text/event-stream). EventSource reconnects by itself; when the server has no
// stream route yet (404) the page says so.
import { useEffect, useRef, useState } from 'react';
import { Empty, Loading } from '../components/States';
import { formatDateTime } from '../format';

interface LiveEvent {
  at: string;
  kind: string;
  text: string;
}

export function LivePage() {
  const [state, setState] = useState<'probing' | 'missing' | 'open' | 'reconnecting' | 'error'>('probing');
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [rate, setRate] = useState(0);
  const times = useRef<number[]>([]);

  useEffect(() => {
    let source: EventSource | null = null;
    let cancelled = false;
    const controller = new AbortController();
    // Ask once whether the route exists; the answer's body is not read.
    fetch('/api/v1/stream', { headers: { Accept: 'text/event-stream' }, signal: controller.signal, credentials: 'same-origin' })
      .then((res) => {
        controller.abort();
        if (cancelled) return;
        if (res.status === 404 || res.status === 405) {
          setState('missing');
          return;
        }
        source = new EventSource('/api/v1/stream', { withCredentials: true });
        source.onopen = () => setState('open');
        source.onerror = () => setState('reconnecting');
        source.onmessage = (m) => {
          const now = Date.now();
          times.current = [...times.current.filter((t) => now - t < 10_000), now];
          let kind = m.type || 'message';
          let text = m.data;
          try {
            const body = JSON.parse(m.data);
            kind = body.type ?? body.kind ?? kind;
            text = body.summary ?? body.entity ?? JSON.stringify(body);
          } catch {
            // plain text event
          }
          setEvents((prev) => [{ at: new Date().toISOString(), kind, text }, ...prev].slice(0, 100));
        };
      })
      .catch(() => !cancelled && setState('error'));
    const timer = setInterval(() => {
      const now = Date.now();
      times.current = times.current.filter((t) => now - t < 10_000);
      setRate(times.current.length / 10);
    }, 1000);
    return () => {
      cancelled = true;
      controller.abort();
      source?.close();
      clearInterval(timer);
    };
  }, []);

  return (
    <div className="page">
      <div className="page-head">
        <h1>Live</h1>
        {state === 'open' && <span className="chip chip-hot">connected · {rate.toFixed(1)} events/s</span>}
        {state === 'reconnecting' && <span className="chip chip-warm">reconnecting…</span>}
      </div>
      {state === 'probing' && <Loading what="Connecting" />}
      {state === 'missing' && (
        <Empty title="The live stream is not on this server yet">Live arrives with the event stream (GET /api/v1/stream, server-sent events).</Empty>
      )}
      {state === 'error' && <Empty title="Could not reach the server">The page will show events once the server answers; reload to try again.</Empty>}
      {(state === 'open' || state === 'reconnecting') && events.length === 0 && <Empty title="Waiting for events" />}
      {events.length > 0 && (
        <ol className="timeline" data-testid="live-events">
          {events.map((e, i) => (
            <li key={i}>
              {formatDateTime(e.at)} · <strong>{e.kind}</strong> {e.text}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
