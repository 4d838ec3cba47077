-- The decision stage's state (src/decide/): every decision it made (the log
-- off-policy evaluation reads), the admin's decision settings, and the
-- bandit's posteriors, so a restart or a second instance continues learning
-- where the last one stopped.

-- One row per decision: the lead's score and tier with the thresholds used,
-- the utility of each action, the action the policy drew and the
-- probability it had (propensity), the context the bandit saw, the reason as
-- text, the activity it created, and the outcome once known. Doubles are
-- DOUBLE PRECISION on both engines.
CREATE TABLE decisions (
  id {{id}},
  lead_id {{bigint}} NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  model_id {{bigint}} REFERENCES models (id) ON DELETE SET NULL,
  score DOUBLE PRECISION NOT NULL,
  probability DOUBLE PRECISION NOT NULL,
  tier TEXT NOT NULL CHECK (tier IN ('high', 'medium', 'low')),
  theta DOUBLE PRECISION NOT NULL,
  theta1 DOUBLE PRECISION NOT NULL,
  threshold_mode TEXT NOT NULL CHECK (threshold_mode IN ('admin', 'capacity', 'utility')),
  deal_value DOUBLE PRECISION NOT NULL,
  utility_call DOUBLE PRECISION NOT NULL,
  utility_email DOUBLE PRECISION NOT NULL,
  utility_offer DOUBLE PRECISION NOT NULL,
  utility_nurture DOUBLE PRECISION NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('call', 'email', 'offer', 'nurture')),
  propensity DOUBLE PRECISION NOT NULL CHECK (propensity > 0 AND propensity <= 1),
  -- the policy's whole distribution, a JSON object {"call": p, ...}
  probabilities TEXT NOT NULL,
  policy TEXT NOT NULL,
  bandit_version {{bigint}} NOT NULL,
  -- the bandit's design vector and its names, a JSON object
  context TEXT NOT NULL,
  why TEXT NOT NULL,
  triggered_by TEXT NOT NULL CHECK (triggered_by IN ('on_demand', 'batch', 'score_event')),
  activity_id {{bigint}} REFERENCES activities (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  accepted_at TEXT,
  rejected_at TEXT,
  reject_reason TEXT,
  outcome TEXT CHECK (outcome IN ('converted', 'engaged', 'rejected', 'no_conversion')),
  reward DOUBLE PRECISION CHECK (reward >= 0 AND reward <= 1),
  outcome_at TEXT,
  outcome_source TEXT CHECK (outcome_source IN ('api', 'event', 'activity', 'horizon')),
  CHECK ((outcome IS NULL) = (reward IS NULL))
);
CREATE INDEX decisions_lead ON decisions (lead_id, id);
CREATE INDEX decisions_created ON decisions (created_at);
CREATE INDEX decisions_activity ON decisions (activity_id);
-- decisions still waiting for their outcome, for the horizon sweep
CREATE INDEX decisions_pending ON decisions (created_at) WHERE outcome IS NULL;

-- The admin's settings, one row (id 1): a JSON object validated by
-- decide::DecisionSettings (thresholds or their mode, V source, costs,
-- service times, horizon).
CREATE TABLE decision_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  settings TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by {{bigint}} REFERENCES users (id) ON DELETE SET NULL
);

-- The bandit's posterior per action: mean and row-major covariance as JSON
-- arrays of numbers (Boost.JSON writes doubles so they read back exactly),
-- the outcomes it has seen, and a version bumped by every update.
CREATE TABLE bandit_posteriors (
  action TEXT PRIMARY KEY CHECK (action IN ('call', 'email', 'offer', 'nurture')),
  dimension INTEGER NOT NULL,
  mean TEXT NOT NULL,
  covariance TEXT NOT NULL,
  observations {{bigint}} NOT NULL,
  version {{bigint}} NOT NULL,
  updated_at TEXT NOT NULL
);
