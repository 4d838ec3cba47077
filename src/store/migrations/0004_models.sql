-- Trained models and the scores they gave. A model is versioned per
-- (entity, target): each training run registers the next version; exactly
-- one version per pair is active (the one that scores), which the partial
-- unique index enforces for "at most" and activation keeps at "at least".
-- The bundle is the model file (JSON, src/models/model_bundle.h); the feature
-- spec says how the training rows were built from the CRM's records.

CREATE TABLE models (
  id {{id}},
  entity TEXT NOT NULL CHECK (entity IN ('leads', 'customers')),
  target TEXT NOT NULL,
  kind TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  created_by {{bigint}} REFERENCES users (id) ON DELETE SET NULL,
  metrics TEXT NOT NULL,
  bundle TEXT NOT NULL,
  feature_spec TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  UNIQUE (entity, target, version)
);
CREATE UNIQUE INDEX models_one_active ON models (entity, target) WHERE active = 1;

-- Training runs requested over the API: queued, running (progress is the
-- latest line the trainer printed), then succeeded with the model it
-- registered or failed with the reason. Kept in the shared database so any
-- instance behind a load balancer can answer a poll.
CREATE TABLE model_jobs (
  id {{id}},
  entity TEXT NOT NULL CHECK (entity IN ('leads', 'customers')),
  target TEXT NOT NULL,
  request TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  progress TEXT,
  model_id {{bigint}} REFERENCES models (id) ON DELETE SET NULL,
  error TEXT,
  requested_by {{bigint}} REFERENCES users (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX model_jobs_created ON model_jobs (created_at);

-- Every score ever given (history), one row per record and scoring run. rank
-- is the position within its run (1 = most promising); tier is hot, warm or
-- cold; factors the top contributing factors (JSON array).
CREATE TABLE scores (
  id {{id}},
  entity TEXT NOT NULL CHECK (entity IN ('leads', 'customers')),
  entity_id {{bigint}} NOT NULL,
  model_id {{bigint}} NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  score DOUBLE PRECISION NOT NULL,
  probability DOUBLE PRECISION NOT NULL,
  rank {{bigint}} NOT NULL,
  tier TEXT NOT NULL CHECK (tier IN ('hot', 'warm', 'cold')),
  factors TEXT NOT NULL,
  scored_at TEXT NOT NULL
);
CREATE INDEX scores_entity ON scores (entity, entity_id, scored_at);
CREATE INDEX scores_model ON scores (model_id);

-- The latest score of each record: a copy of its newest scores row, replaced
-- by every scoring run, so "latest per record" and "sort leads by rank" are
-- plain lookups instead of a max-per-group query over the history.
CREATE TABLE latest_scores (
  entity TEXT NOT NULL CHECK (entity IN ('leads', 'customers')),
  entity_id {{bigint}} NOT NULL,
  score_id {{bigint}} NOT NULL REFERENCES scores (id) ON DELETE CASCADE,
  model_id {{bigint}} NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  score DOUBLE PRECISION NOT NULL,
  probability DOUBLE PRECISION NOT NULL,
  rank {{bigint}} NOT NULL,
  tier TEXT NOT NULL,
  factors TEXT NOT NULL,
  scored_at TEXT NOT NULL,
  PRIMARY KEY (entity, entity_id)
);
CREATE INDEX latest_scores_rank ON latest_scores (entity, rank);
