// The live view, fed by the server's event stream (GET /api/v1/stream,
// text/event-stream): score changes, alerts, next steps decided and each
// second's summary, in words, newest first. EventSource reconnects by itself (resuming with
// Last-Event-ID); when the server has no stream route (404) the page says so.
import { useEffect, useRef, useState } from 'react';
import { Empty, Loading } from '../components/States';
import { formatDateTime } from '../format';

interface LiveEvent {
  at: string;
  kind: string;
  text: string;
}

// The topics the server's event bus carries (docs/architecture.md, "Live scoring and the live stream").
const TOPICS = ['score', 'alert', 'summary', 'decision'];

// One line per frame, in words.
export function describe(kind: string, data: string): LiveEvent {
  const at = new Date().toISOString();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(data);
  } catch {
    return { at, kind, text: data };
  }
  if (kind === 'score') {
    const p =
      typeof body.probability === 'number'
        ? ` (${(body.probability * 100).toFixed(0)} %, rank ${body.rank})`
        : '';
    const from = body.previous_tier ? `${body.previous_tier} → ` : '';
    return { at, kind, text: `lead ${body.lead_id}: ${from}${body.tier}${p}` };
  }
  if (kind === 'alert')
    return {
      at,
      kind: `alert · ${body.kind ?? ''}`,
      text: String(body.message ?? JSON.stringify(body)),
    };
  if (kind === 'summary') {
    const byType =
      body.by_type && typeof body.by_type === 'object'
        ? (body.by_type as Record<string, number>)
        : {};
    const types = Object.entries(byType)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    return {
      at,
      kind,
      text: `${body.events ?? 0} events${types ? ` (${types})` : ''} · ${body.new_alerts ?? 0} new alerts`,
    };
  }
  if (kind === 'decision' && typeof body.lead_id === 'number' && typeof body.action === 'string') {
    const trigger =
      typeof body.triggered_by === 'string' ? `, ${body.triggered_by.replace('_', ' ')}` : '';
    const due = typeof body.due_at === 'string' ? ` · due ${formatDateTime(body.due_at)}` : '';
    return {
      at,
      kind,
      text: `lead ${body.lead_id}: next step ${body.action} (${body.tier} priority${trigger})${due}`,
    };
  }
  return { at, kind, text: JSON.stringify(body) };
}

// A summary of a second without events or alerts.
export function isQuiet(data: string): boolean {
  try {
    const body = JSON.parse(data);
    return !body.events && !body.new_alerts;
  } catch {
    return false;
  }
}

export function LivePage() {
  const [state, setState] = useState<'probing' | 'missing' | 'open' | 'reconnecting' | 'error'>(
    'probing',
  );
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [rate, setRate] = useState(0);
  const times = useRef<number[]>([]);

  useEffect(() => {
    let source: EventSource | null = null;
    let cancelled = false;
    const controller = new AbortController();
    // Ask once whether the route exists; the answer's body is not read.
    fetch('/api/v1/stream', {
      headers: { Accept: 'text/event-stream' },
      signal: controller.signal,
      credentials: 'same-origin',
    })
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
        // Each frame names its topic (`event: score`, ...): one listener per
        // topic the server publishes, and onmessage for unnamed frames.
        const show = (m: MessageEvent<string>) => {
          const now = Date.now();
          times.current = [...times.current.filter((t) => now - t < 10_000), now];
          if (m.type === 'summary' && isQuiet(m.data)) return; // a second with nothing in it
          setEvents((prev) => [describe(m.type || 'message', m.data), ...prev].slice(0, 100));
        };
        for (const topic of TOPICS) source.addEventListener(topic, show as EventListener);
        source.onmessage = show;
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
        {state === 'open' && (
          <span className="chip chip-hot">connected · {rate.toFixed(1)} messages/s</span>
        )}
        {state === 'reconnecting' && <span className="chip chip-warm">reconnecting…</span>}
      </div>
      {state === 'probing' && <Loading what="Connecting" />}
      {state === 'missing' && (
        <Empty title="The live stream is not on this server yet">
          Live arrives with the event stream (GET /api/v1/stream, server-sent events).
        </Empty>
      )}
      {state === 'error' && (
        <Empty title="Could not reach the server">
          The page will show events once the server answers; reload to try again.
        </Empty>
      )}
      {(state === 'open' || state === 'reconnecting') && events.length === 0 && (
        <Empty title="Waiting for events" />
      )}
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
