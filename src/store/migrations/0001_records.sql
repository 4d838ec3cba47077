-- The CRM's records. Times are ISO-8601 UTC text; money is integer minor units
-- plus an ISO-4217 code; booleans are 0/1; custom attributes a JSON object text.

CREATE TABLE users (
  id {{id}},
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'rep', 'viewer')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE customers (
  id {{id}},
  external_id TEXT UNIQUE,
  name TEXT NOT NULL,
  email TEXT,
  phone TEXT,
  company TEXT,
  country TEXT,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'churned')),
  owner_id {{bigint}} REFERENCES users (id),
  attributes TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX customers_email ON customers (lower(email));
CREATE INDEX customers_owner ON customers (owner_id);
CREATE INDEX customers_created ON customers (created_at);

CREATE TABLE leads (
  id {{id}},
  external_id TEXT UNIQUE,
  name TEXT NOT NULL,
  email TEXT,
  company TEXT,
  source TEXT,
  status TEXT NOT NULL DEFAULT 'new'
    CHECK (status IN ('new', 'contacted', 'qualified', 'converted', 'lost')),
  owner_id {{bigint}} REFERENCES users (id),
  expected_value_minor {{bigint}},
  currency TEXT NOT NULL DEFAULT 'EUR',
  attributes TEXT NOT NULL DEFAULT '{}',
  customer_id {{bigint}} REFERENCES customers (id),
  contacted_at TEXT,
  qualified_at TEXT,
  converted_at TEXT,
  lost_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX leads_email ON leads (lower(email));
CREATE INDEX leads_status ON leads (status);
CREATE INDEX leads_owner ON leads (owner_id);
CREATE INDEX leads_created ON leads (created_at);

-- Every status change of a lead, for its timeline and for point-in-time labels.
CREATE TABLE lead_status_changes (
  id {{id}},
  lead_id {{bigint}} NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  from_status TEXT,
  to_status TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  user_id {{bigint}} REFERENCES users (id)
);
CREATE INDEX lead_status_changes_lead ON lead_status_changes (lead_id, changed_at);

CREATE TABLE products (
  id {{id}},
  sku TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT,
  unit_price_minor {{bigint}} NOT NULL CHECK (unit_price_minor >= 0),
  currency TEXT NOT NULL DEFAULT 'EUR',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Sales, one row per invoice line; a return is a negative quantity. An
-- anonymous sale has no customer.
CREATE TABLE transactions (
  id {{id}},
  external_id TEXT,
  line_no INTEGER NOT NULL DEFAULT 1,
  customer_id {{bigint}} REFERENCES customers (id),
  product_id {{bigint}} REFERENCES products (id),
  quantity {{bigint}} NOT NULL,
  unit_price_minor {{bigint}} NOT NULL,
  amount_minor {{bigint}} NOT NULL,
  currency TEXT NOT NULL DEFAULT 'EUR',
  occurred_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (external_id, line_no)
);
CREATE INDEX transactions_customer ON transactions (customer_id, occurred_at);
CREATE INDEX transactions_product ON transactions (product_id);
CREATE INDEX transactions_occurred ON transactions (occurred_at);

CREATE TABLE activities (
  id {{id}},
  kind TEXT NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'offer', 'task', 'nurture')),
  subject TEXT NOT NULL,
  due_at TEXT,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  owner_id {{bigint}} REFERENCES users (id),
  lead_id {{bigint}} REFERENCES leads (id) ON DELETE CASCADE,
  customer_id {{bigint}} REFERENCES customers (id) ON DELETE CASCADE,
  created_by_user_id {{bigint}} REFERENCES users (id),
  created_by_system INTEGER NOT NULL DEFAULT 0,
  completed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (lead_id IS NOT NULL OR customer_id IS NOT NULL)
);
CREATE INDEX activities_owner_due ON activities (owner_id, status, due_at);
CREATE INDEX activities_lead ON activities (lead_id);
CREATE INDEX activities_customer ON activities (customer_id);

CREATE TABLE communications (
  id {{id}},
  lead_id {{bigint}} REFERENCES leads (id) ON DELETE CASCADE,
  customer_id {{bigint}} REFERENCES customers (id) ON DELETE CASCADE,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'call', 'chat')),
  subject TEXT,
  body TEXT,
  occurred_at TEXT NOT NULL,
  -- seconds from the latest earlier inbound message of the same party to this
  -- outbound one; NULL for inbound messages and unanswered contacts
  response_seconds {{bigint}},
  created_at TEXT NOT NULL,
  CHECK (lead_id IS NOT NULL OR customer_id IS NOT NULL)
);
CREATE INDEX communications_lead ON communications (lead_id, occurred_at);
CREATE INDEX communications_customer ON communications (customer_id, occurred_at);

CREATE TABLE audit_log (
  id {{id}},
  at TEXT NOT NULL,
  user_id {{bigint}},
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id {{bigint}},
  before_json TEXT,
  after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);
