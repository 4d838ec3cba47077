-- API tokens expire. Rows made before this column existed keep NULL and are
-- treated as expiring the longest allowed lifetime after they were created
-- (api/auth/authenticator.h), so no old key lives forever.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
