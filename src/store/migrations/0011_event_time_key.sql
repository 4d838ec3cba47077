-- The event log keeps its times as integers: ts_us (event time) and
-- received_us (arrival), microseconds since the Unix epoch, UTC, and its one
-- index becomes (entity_part, ts_us, event_key), three integers. The durable
-- append's profile (bench/README.md, 2026-11-24) had the writer thread
-- descending that index by comparing 27-byte time texts on every insert;
-- integer keys take SQLite's integer compares, and each row is ~40 bytes
-- shorter in the table, the WAL and the checkpoint. The table is rebuilt
-- rather than altered so that on SQLite seq stops being AUTOINCREMENT
-- (the log_id placeholder): the log is append-only, never deleted from, so a plain rowid
-- never reuses a number, and AUTOINCREMENT cost a read and a write of
-- sqlite_sequence per inserted row (~15 % of the writer thread, measured).
-- Rows keep their seq (cursors and the replay order stay valid); PostgreSQL's
-- identity then restarts after the highest. A query still naming ts or
-- received_at fails loudly instead of comparing an integer with a text.
-- Existing rows are converted from their fixed-width ISO-8601 text
-- ("2026-11-23T09:30:00.000000Z", years 0000-9999) by integer arithmetic both
-- engines evaluate alike (the unix_micros placeholder, store/database.cc).
CREATE TABLE events_new (
  seq {{log_id}},
  event_key {{bigint}} NOT NULL,
  entity TEXT NOT NULL,
  type TEXT NOT NULL,
  ts_us {{bigint}} NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  attrs TEXT NOT NULL,
  received_us {{bigint}} NOT NULL,
  too_late INTEGER NOT NULL DEFAULT 0,
  entity_part INTEGER NOT NULL
);
INSERT INTO events_new (seq, event_key, entity, type, ts_us, value, attrs, received_us, too_late,
                        entity_part)
  SELECT seq, event_key, entity, type, {{unix_micros(ts)}}, value, attrs,
         {{unix_micros(received_at)}}, too_late, entity_part
  FROM events ORDER BY seq;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE UNIQUE INDEX events_part_time_key ON events (entity_part, ts_us, event_key);
{{restart_identity(events, seq)}};
