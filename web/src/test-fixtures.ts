// Records as the server returns them, for tests (not part of the bundle:
// only tests import this file).
import type { Decision } from './types';

export function decisionFixture(over: Partial<Decision> = {}): Decision {
  return {
    id: 11,
    lead_id: 5,
    model_id: 1,
    score: 0.7,
    probability: 0.62,
    tier: 'high',
    thresholds: { theta: 0.5, theta1: 0.8, mode: 'admin' },
    deal_value: 1200,
    utility: { call: 700, email: 720.5, offer: 650, nurture: 0 },
    action: 'email',
    propensity: 0.4,
    probabilities: { call: 0.3, email: 0.4, offer: 0.25, nurture: 0.05 },
    policy: 'bandit',
    bandit_version: 3,
    why: 'High (p ≥ θ₁)',
    triggered_by: 'on_demand',
    activity_id: 21,
    created_at: '2026-11-20T09:00:00.000000Z',
    accepted_at: null,
    rejected_at: null,
    reject_reason: null,
    outcome: null,
    reward: null,
    outcome_at: null,
    outcome_source: null,
    ...over,
  };
}
