import { describe, expect, it } from 'vitest';
import {
  dayStart,
  describeState,
  logState,
  formatUnits,
  frameLeadId,
  hasDecisions,
  scoreSeries,
  stepActions,
  stepState,
  utilityRows,
} from './decision';
import { decisionFixture } from './test-fixtures';
import type { DecisionKpis, ScorePoint } from './types';

describe('decision state', () => {
  it('follows the activity and the feedback', () => {
    expect(stepState(decisionFixture(), { status: 'open' })).toBe('open');
    expect(
      stepState(decisionFixture({ accepted_at: '2026-11-20T10:00:00Z' }), { status: 'open' }),
    ).toBe('accepted');
    expect(
      stepState(decisionFixture({ accepted_at: '2026-11-20T10:00:00Z' }), { status: 'done' }),
    ).toBe('done');
    expect(stepState(decisionFixture(), { status: 'cancelled' })).toBe('cancelled');
    expect(
      stepState(
        decisionFixture({ rejected_at: 'x', reject_reason: 'no budget', outcome: 'rejected' }),
        { status: 'cancelled' },
      ),
    ).toBe('rejected');
    expect(stepState(decisionFixture({ outcome: 'converted' }), { status: 'done' })).toBe('closed');
    // The activity not (yet) known: the decision alone.
    expect(stepState(decisionFixture(), null)).toBe('open');
  });
  it('says where a logged decision stands from its record alone', () => {
    expect(logState(decisionFixture())).toBe('pending');
    expect(logState(decisionFixture({ accepted_at: 'x' }))).toBe('accepted');
    expect(logState(decisionFixture({ accepted_at: 'x', outcome: 'engaged' }))).toBe(
      'engaged, not converted',
    );
    expect(logState(decisionFixture({ rejected_at: 'x', outcome: 'rejected' }))).toBe('rejected');
  });
  it('says where it stands in words', () => {
    const rejected = decisionFixture({ rejected_at: 'x', reject_reason: 'no budget' });
    expect(describeState(rejected, 'rejected')).toBe('Rejected: no budget');
    expect(describeState(decisionFixture({ outcome: 'no_conversion' }), 'closed')).toBe(
      'Outcome: did not convert',
    );
  });
  it('offers only the feedback a state still takes', () => {
    expect(stepActions('open')).toEqual({
      accept: true,
      reject: true,
      complete: true,
      outcome: true,
    });
    expect(stepActions('accepted')).toEqual({
      accept: false,
      reject: true,
      complete: true,
      outcome: true,
    });
    expect(stepActions('done')).toEqual({
      accept: false,
      reject: false,
      complete: false,
      outcome: true,
    });
    expect(stepActions('closed')).toEqual({
      accept: false,
      reject: false,
      complete: false,
      outcome: false,
    });
    expect(stepActions('rejected').outcome).toBe(false);
  });
});

describe('decision numbers', () => {
  it('lists utilities best first and marks the chosen action', () => {
    const rows = utilityRows(decisionFixture());
    expect(rows.map((r) => r.action)).toEqual(['email', 'call', 'offer', 'nurture']);
    expect(rows.filter((r) => r.chosen).map((r) => r.action)).toEqual(['email']);
    expect(rows[0].probability).toBe(0.4);
  });
  it('formats values in currency units', () => {
    expect(formatUnits(720.5)).toBe('720.50');
    expect(formatUnits(-12)).toBe('-12.00');
    expect(formatUnits(null)).toBe('—');
    expect(formatUnits(Number.NaN)).toBe('—');
  });
  it('puts the score history oldest first, as percentages', () => {
    const p = (id: number, at: string, probability: number): ScorePoint => ({
      id,
      model_id: 1,
      probability,
      score: probability,
      rank: 1,
      tier: 'hot',
      scored_at: at,
    });
    expect(
      scoreSeries([
        p(3, '2026-11-21T00:00:00Z', 0.5),
        p(1, '2026-11-19T00:00:00Z', 0.123456),
        p(2, '2026-11-20T00:00:00Z', 0.3),
      ]),
    ).toEqual([
      ['2026-11-19T00:00:00Z', 12.35],
      ['2026-11-20T00:00:00Z', 30],
      ['2026-11-21T00:00:00Z', 50],
    ]);
    expect(scoreSeries([])).toEqual([]);
  });
  it('turns a picked day into a time with a zone', () => {
    expect(dayStart('2026-11-01')).toBe('2026-11-01T00:00:00Z');
    expect(dayStart('')).toBe('');
  });
  it('knows when there are no decisions to report', () => {
    const k: DecisionKpis = {
      from: null,
      to: null,
      next_steps: { automatic: 0, manual: 0, automatic_share: null },
      decisions: 0,
      first_touch: { touched: 0, mean_seconds: null, median_seconds: null },
      conversion_by_tier: [],
    };
    expect(hasDecisions(k)).toBe(false);
    expect(hasDecisions({ ...k, decisions: 1 })).toBe(true);
  });
  it('reads the lead of a stream frame', () => {
    expect(frameLeadId('{"lead_id":5,"tier":"high"}')).toBe(5);
    expect(frameLeadId('{"events":3}')).toBeNull();
    expect(frameLeadId('not json')).toBeNull();
  });
});
