// A lead's or customer's timeline: behaviour events, activities and
// communications from their three routes, merged by time (timeline.ts).
// Each source fails on its own: one route refusing or missing leaves the
// others shown, with the server's reason for the one that failed.
import { useState } from 'react';
import { api, isMissingRoute, query } from '../api';
import { formatDateTime, formatDuration } from '../format';
import { useAsync } from '../hooks';
import {
  mergeTimeline,
  type Activity,
  type Communication,
  type LoggedEvent,
  type TimelineEntry,
  type TimelineKind,
} from '../timeline';
import type { Page } from '../types';
import { ChoiceFilter } from './Filters';
import { Empty, ErrorBox, Loading } from './States';

// Per source, the newest this many (one page of each route).
export const TIMELINE_PAGE = 50;

const KIND_LABEL: Record<TimelineKind, string> = {
  event: 'Event',
  activity: 'Activity',
  message: 'Message',
};
const KIND_OPTIONS = [
  { value: 'event', label: 'Events' },
  { value: 'activity', label: 'Activities' },
  { value: 'message', label: 'Messages' },
];

export function TimelineList({ entries }: { entries: TimelineEntry[] }) {
  return (
    <ol className="timeline rich" data-testid="timeline">
      {entries.map((e) => (
        <li key={e.key} className={`tl-${e.kind}`} data-kind={e.kind}>
          <span className={`chip tl-chip tl-chip-${e.kind}`}>{KIND_LABEL[e.kind]}</span>
          <time dateTime={e.at} className="muted small">
            {formatDateTime(e.at)}
          </time>
          <div className="tl-title">{e.title}</div>
          {(e.detail || e.response_seconds) && (
            <div className="muted small">
              {e.detail}
              {e.response_seconds
                ? `${e.detail ? ' · ' : ''}answered after ${formatDuration(e.response_seconds)}`
                : ''}
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}

function SourceProblem({ error, what }: { error: unknown; what: string }) {
  if (!error) return null;
  if (isMissingRoute(error))
    return <p className="muted small">{what} are not on this server yet.</p>;
  return <ErrorBox error={error} />;
}

export function RecordTimeline({ entity, id }: { entity: 'lead' | 'customer'; id: number }) {
  const link = entity === 'lead' ? { lead_id: id } : { customer_id: id };
  const events = useAsync(
    () =>
      api.get<Page<LoggedEvent>>(
        `/api/v1/events${query({ entity: `${entity}:${id}`, limit: TIMELINE_PAGE })}`,
      ),
    [entity, id],
  );
  const activities = useAsync(
    () =>
      api.get<Page<Activity>>(
        `/api/v1/activities${query({ ...link, sort: '-updated_at', limit: TIMELINE_PAGE })}`,
      ),
    [entity, id],
  );
  const messages = useAsync(
    () =>
      api.get<Page<Communication>>(
        `/api/v1/communications${query({ ...link, sort: '-occurred_at', limit: TIMELINE_PAGE })}`,
      ),
    [entity, id],
  );
  const [kind, setKind] = useState('');
  const sources = [events, activities, messages];
  const loading = sources.some((s) => s.loading && !s.data && !s.error);
  const entries = mergeTimeline(
    events.data?.items ?? [],
    activities.data?.items ?? [],
    messages.data?.items ?? [],
  );
  const shown = kind ? entries.filter((e) => e.kind === kind) : entries;
  const truncated = sources.some((s) => s.data?.next_cursor);
  return (
    <>
      <div className="filters" role="group" aria-label="Timeline filter">
        <ChoiceFilter
          label="Show"
          value={kind}
          onChange={setKind}
          options={KIND_OPTIONS}
          any="everything"
        />
      </div>
      <SourceProblem error={events.error} what="Events" />
      <SourceProblem error={activities.error} what="Activities" />
      <SourceProblem error={messages.error} what="Communications" />
      {loading ? <Loading what="Loading the timeline" /> : null}
      {!loading && shown.length === 0 && (
        <Empty
          title={
            kind
              ? `No ${KIND_OPTIONS.find((o) => o.value === kind)!.label.toLowerCase()} yet`
              : 'Nothing has happened yet'
          }
        />
      )}
      {shown.length > 0 && <TimelineList entries={shown} />}
      {truncated && <p className="muted small">Showing the latest {TIMELINE_PAGE} of each kind.</p>}
    </>
  );
}
