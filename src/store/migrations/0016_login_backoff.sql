-- Failed sign-ins counted per (account, client address) with a growing delay
-- instead of per account in fixed windows: a per-account count let anyone
-- lock a victim out by failing five times from anywhere. The address-wide
-- count (account '') still slows one address spraying many accounts.
-- Counters are only counts and delays, so they are not carried over.
DROP TABLE login_attempts;
CREATE TABLE login_attempts (
  scope TEXT NOT NULL CHECK (scope IN ('account_address', 'address')),
  account TEXT NOT NULL,
  address TEXT NOT NULL,
  failures INTEGER NOT NULL,
  last_attempt_at TEXT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  PRIMARY KEY (scope, account, address)
);
CREATE INDEX login_attempts_last ON login_attempts (last_attempt_at);
