-- Authentication state: login sessions, API tokens for scripts, and failed
-- login counters. Secrets are never stored, only their SHA-256 (hex), so a
-- copy of the database does not let anyone sign in.

CREATE TABLE sessions (
  id {{id}},
  token_hash TEXT NOT NULL UNIQUE,
  user_id {{bigint}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  client_address TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
  id {{id}},
  user_id {{bigint}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  -- the first characters of the token, so a user can tell keys apart
  prefix TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed logins per account (scope 'account', key = lower-cased email, whether
-- or not such a user exists) and per client address (scope 'address'). Kept
-- in the shared database rather than in memory: instances behind a load
-- balancer must count together, and a restart must not reset the count.
CREATE TABLE login_attempts (
  scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
  subject TEXT NOT NULL,
  failures INTEGER NOT NULL,
  window_started_at TEXT NOT NULL,
  PRIMARY KEY (scope, subject)
);
