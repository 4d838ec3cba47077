-- Imports: jobs uploaded over the API (POST /api/v1/imports) are kept here so
-- a poll after a restart still finds them, and activities and communications
-- carry the key an import derived from their source row, so importing the
-- same file again finds them instead of storing them twice.

CREATE TABLE import_jobs (
  id {{id}},
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  user_id {{bigint}} NOT NULL,
  -- the process running it, "host:pid:nonce": a restarted instance fails the jobs
  -- its previous process left unfinished, never another live instance's
  runner TEXT NOT NULL,
  bytes {{bigint}} NOT NULL DEFAULT 0,
  rows_read {{bigint}} NOT NULL DEFAULT 0,
  -- the final JSON summary line, once succeeded
  summary TEXT,
  -- JSON array of the refused rows kept with their row, line and reason
  rejected TEXT NOT NULL DEFAULT '[]',
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX import_jobs_status ON import_jobs (status);

-- NULL for rows not stored by an import (created over the API or by rules).
ALTER TABLE activities ADD COLUMN import_key TEXT;
ALTER TABLE communications ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX activities_import_key ON activities (import_key) WHERE import_key IS NOT NULL;
CREATE UNIQUE INDEX communications_import_key ON communications (import_key) WHERE import_key IS NOT NULL;
