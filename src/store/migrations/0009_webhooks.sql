-- Webhooks: the URLs an admin registers to be told about decisions, alerts
-- and score changes, and the durable outbox of deliveries to them.

-- An endpoint: where to POST, the secret its bodies are signed with
-- (HMAC-SHA256), and the topics it subscribes to (a JSON array of names).
CREATE TABLE webhook_endpoints (
  id {{id}},
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  topics TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One message for one endpoint. A message for a subscribed topic becomes a
-- pending row first; the worker then delivers it, so deliveries survive a
-- restart. status: pending | delivered | failed. next_attempt_at is when a
-- pending row is due (ISO-8601 text, so text order is time order).
CREATE TABLE webhook_deliveries (
  id {{id}},
  endpoint_id {{bigint}} NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  topic TEXT NOT NULL,
  event_id TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  last_status_code INTEGER,
  last_error TEXT,
  next_attempt_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  latency_ms INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
