-- The event log: every behavioural event accepted (page views, email opens,
-- purchases, ...), in arrival order (seq). It is what the stream's window
-- state is rebuilt from at start, so rows are only ever appended. event_key
-- is the 64-bit idempotency key (stored signed); a re-delivered event hits
-- the unique index and is not stored twice. too_late marks events that came
-- after the allowed lateness: stored, but not applied to the windows.

CREATE TABLE events (
  seq {{id}},
  event_key {{bigint}} NOT NULL,
  entity TEXT NOT NULL,
  type TEXT NOT NULL,
  ts TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  attrs TEXT NOT NULL,
  received_at TEXT NOT NULL,
  too_late INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX events_key ON events (event_key);
CREATE INDEX events_entity_ts ON events (entity, ts);
CREATE INDEX events_type_ts ON events (type, ts);
