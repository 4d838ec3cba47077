// A record's timeline: its behaviour events (GET /api/v1/events?entity=...),
// activities (GET /api/v1/activities) and communications
// (GET /api/v1/communications) merged into one list, newest first. Pure, so
// the order and wording are tested without a browser.

export interface LoggedEvent {
  seq: number;
  entity: string;
  type: string;
  ts: string;
  value: number;
  attrs?: Record<string, unknown>;
  received_at: string;
  too_late: boolean;
}

export interface Activity {
  id: number;
  kind: string;
  subject: string;
  due_at: string | null;
  status: 'open' | 'done' | 'cancelled';
  owner_id: number | null;
  lead_id: number | null;
  customer_id: number | null;
  completed_at?: string | null;
  created_at: string;
  updated_at: string;
}

export interface Communication {
  id: number;
  lead_id: number | null;
  customer_id: number | null;
  direction: 'in' | 'out';
  channel: string;
  subject: string | null;
  body?: string | null;
  occurred_at: string;
  response_seconds?: number | null;
}

export type TimelineKind = 'event' | 'activity' | 'message';

export interface TimelineEntry {
  key: string;
  kind: TimelineKind;
  at: string; // ISO-8601 UTC, the time the entry is placed at
  title: string;
  detail?: string;
  response_seconds?: number | null;
}

// "email_open" -> "Email open".
export function humanize(word: string): string {
  const s = word.replace(/[_-]+/g, ' ').trim();
  return s ? s[0].toUpperCase() + s.slice(1) : word;
}

function eventEntry(e: LoggedEvent): TimelineEntry {
  const attrs = e.attrs
    ? Object.entries(e.attrs)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(', ')
    : '';
  return {
    key: `event-${e.seq}`,
    kind: 'event',
    at: e.ts,
    title: humanize(e.type),
    detail:
      [e.value !== 1 ? `value ${e.value}` : '', attrs].filter(Boolean).join(' · ') || undefined,
  };
}

// An activity sits at when it was done or cancelled, else when it is due,
// else when it was planned.
function activityEntry(a: Activity): TimelineEntry {
  const at = (a.status !== 'open' && a.completed_at) || a.due_at || a.created_at;
  const state = a.status === 'open' ? (a.due_at ? 'due' : 'open') : a.status;
  return {
    key: `activity-${a.id}`,
    kind: 'activity',
    at,
    title: `${humanize(a.kind)}: ${a.subject}`,
    detail: state,
  };
}

function messageEntry(m: Communication): TimelineEntry {
  const who = m.direction === 'in' ? 'Received' : 'Sent';
  return {
    key: `message-${m.id}`,
    kind: 'message',
    at: m.occurred_at,
    title: `${who} ${m.channel}${m.subject ? `: ${m.subject}` : ''}`,
    detail: m.body ? (m.body.length > 160 ? `${m.body.slice(0, 159)}…` : m.body) : undefined,
    response_seconds: m.response_seconds ?? null,
  };
}

// Newest first; at equal times events, then messages, then activities, each
// by key, so the order is stable whatever order the pages arrived in.
export function mergeTimeline(
  events: LoggedEvent[],
  activities: Activity[],
  messages: Communication[],
): TimelineEntry[] {
  const rank: Record<TimelineKind, number> = { event: 0, message: 1, activity: 2 };
  const all = [
    ...events.map(eventEntry),
    ...activities.map(activityEntry),
    ...messages.map(messageEntry),
  ];
  return all.sort((a, b) => {
    // The server writes fixed-width UTC ISO-8601, so text order is time order.
    if (a.at !== b.at) return a.at < b.at ? 1 : -1;
    if (a.kind !== b.kind) return rank[a.kind] - rank[b.kind];
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}
