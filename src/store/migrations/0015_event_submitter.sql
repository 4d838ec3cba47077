-- Who sent each event: the signed-in user whose request carried it (POST
-- /api/v1/events), so a conversion or a burst of activity on a lead can be
-- traced to an account. NULL for events from a replayed file, a broker or
-- the system, and for the rows stored before this migration. Nullable and
-- without a default, so adding it rewrites no row on either engine.
ALTER TABLE events ADD COLUMN submitted_by {{bigint}} REFERENCES users (id);
