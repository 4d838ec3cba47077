import { describe, expect, it } from 'vitest';
import {
  humanize,
  mergeTimeline,
  type Activity,
  type Communication,
  type LoggedEvent,
} from './timeline';

const event = (
  seq: number,
  ts: string,
  type = 'page_view',
  extra: Partial<LoggedEvent> = {},
): LoggedEvent => ({
  seq,
  entity: 'lead:7',
  type,
  ts,
  value: 1,
  received_at: ts,
  too_late: false,
  ...extra,
});
const activity = (id: number, a: Partial<Activity>): Activity => ({
  id,
  kind: 'call',
  subject: 'Follow up',
  due_at: null,
  status: 'open',
  owner_id: null,
  lead_id: 7,
  customer_id: null,
  completed_at: null,
  created_at: '2026-11-01T09:00:00.000000Z',
  updated_at: '2026-11-01T09:00:00.000000Z',
  ...a,
});
const message = (
  id: number,
  occurred_at: string,
  m: Partial<Communication> = {},
): Communication => ({
  id,
  lead_id: 7,
  customer_id: null,
  direction: 'in',
  channel: 'email',
  subject: null,
  occurred_at,
  ...m,
});

describe('timeline', () => {
  it('merges the three sources newest first', () => {
    const out = mergeTimeline(
      [event(1, '2026-11-03T10:00:00.000000Z'), event(2, '2026-11-05T10:00:00.000000Z')],
      [activity(1, { due_at: '2026-11-04T10:00:00.000000Z' })],
      [message(1, '2026-11-06T10:00:00.000000Z')],
    );
    expect(out.map((e) => e.key)).toEqual(['message-1', 'event-2', 'activity-1', 'event-1']);
  });
  it('places an activity at completion, else due time, else creation', () => {
    const [done] = mergeTimeline(
      [],
      [
        activity(1, {
          status: 'done',
          due_at: '2026-11-04T00:00:00.000000Z',
          completed_at: '2026-11-09T00:00:00.000000Z',
        }),
      ],
      [],
    );
    expect(done.at).toBe('2026-11-09T00:00:00.000000Z');
    expect(done.detail).toBe('done');
    const [due] = mergeTimeline([], [activity(2, { due_at: '2026-11-04T00:00:00.000000Z' })], []);
    expect(due.at).toBe('2026-11-04T00:00:00.000000Z');
    expect(due.detail).toBe('due');
    const [open] = mergeTimeline([], [activity(3, {})], []);
    expect(open.at).toBe('2026-11-01T09:00:00.000000Z');
    expect(open.title).toBe('Call: Follow up');
  });
  it('orders equal times stably whatever the input order', () => {
    const t = '2026-11-05T10:00:00.000000Z';
    const a = mergeTimeline([event(9, t)], [activity(4, { due_at: t })], [message(3, t)]);
    const b = mergeTimeline([event(9, t)], [activity(4, { due_at: t })], [message(3, t)].reverse());
    expect(a.map((e) => e.kind)).toEqual(['event', 'message', 'activity']);
    expect(b).toEqual(a);
  });
  it('words messages and events', () => {
    const [m] = mergeTimeline(
      [],
      [],
      [
        message(1, '2026-11-06T10:00:00.000000Z', {
          direction: 'out',
          subject: 'Offer',
          response_seconds: 3600,
        }),
      ],
    );
    expect(m.title).toBe('Sent email: Offer');
    expect(m.response_seconds).toBe(3600);
    const [e] = mergeTimeline(
      [
        event(1, '2026-11-06T10:00:00.000000Z', 'email_click', {
          value: 2,
          attrs: { campaign: 'spring' },
        }),
      ],
      [],
      [],
    );
    expect(e.title).toBe('Email click');
    expect(e.detail).toBe('value 2 · campaign: spring');
  });
  it('cuts long message bodies', () => {
    const [m] = mergeTimeline(
      [],
      [],
      [message(1, '2026-11-06T10:00:00.000000Z', { body: 'x'.repeat(500) })],
    );
    expect(m.detail!.length).toBe(160);
    expect(m.detail!.endsWith('…')).toBe(true);
  });
  it('humanizes type names', () => {
    expect(humanize('form_submit')).toBe('Form submit');
    expect(humanize('demo-request')).toBe('Demo request');
  });
});
