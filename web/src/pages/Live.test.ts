import { describe as suite, expect, it } from 'vitest';
import { describe, isQuiet } from './Live';

suite('Live page frames in words', () => {
  it('says a score change with the tier it left', () => {
    const e = describe(
      'score',
      '{"lead_id":7,"model_id":2,"probability":0.81,"score":0.8,"rank":3,"tier":"hot","previous_tier":"warm","ts":"2026-11-23T09:00:00.000000Z"}',
    );
    expect(e.kind).toBe('score');
    expect(e.text).toBe('lead 7: warm → hot (81 %, rank 3)');
  });
  it('says a first score without a previous tier', () => {
    expect(
      describe(
        'score',
        '{"lead_id":7,"probability":0.1,"rank":9,"tier":"cold","previous_tier":null}',
      ).text,
    ).toBe('lead 7: cold (10 %, rank 9)');
  });
  it('names the event types of a summary, and skips quiet seconds', () => {
    const data = '{"events":3,"by_type":{"page_view":2,"e2e_probe":1},"new_alerts":0}';
    expect(describe('summary', data).text).toBe(
      '3 events (page_view 2, e2e_probe 1) · 0 new alerts',
    );
    expect(isQuiet(data)).toBe(false);
    expect(isQuiet('{"events":0,"by_type":{},"new_alerts":0}')).toBe(true);
  });
  it('says a decision as the lead’s next step', () => {
    const data =
      '{"decision_id":4,"lead_id":7,"tier":"high","action":"call","propensity":0.6,"activity_id":9,"owner_id":2,' +
      '"due_at":"2026-11-23T13:00:00.000000Z","why":"…","triggered_by":"score_event","created_at":"2026-11-23T09:00:00.000000Z"}';
    expect(describe('decision', data).text).toBe(
      'lead 7: next step call (high priority, score event) · due 23 Nov 2026, 13:00',
    );
  });
  it('shows an alert by its message and anything else as JSON', () => {
    expect(describe('alert', '{"kind":"tier_change","message":"lead 7 moved"}')).toMatchObject({
      kind: 'alert · tier_change',
      text: 'lead 7 moved',
    });
    expect(describe('decision', '{"lead_id":7}').text).toBe('{"lead_id":7}');
    expect(describe('score', 'not json').text).toBe('not json');
  });
});
