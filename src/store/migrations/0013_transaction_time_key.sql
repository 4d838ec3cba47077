-- A sale's time becomes an integer: occurred_us, microseconds since the Unix
-- epoch, UTC (as the event log's ts_us, migration 0011). occurred_at was a
-- 27-byte text in every row and again in two of the four indexes
-- (transactions_customer, transactions_occurred): the bulk load of the UCI
-- Online Retail file spent its time writing and sorting those bytes
-- (bench/README.md, import rounds 4-6), and the database file shrinks by
-- about a third. Clients still see ISO-8601 text: the store converts at its
-- edge (TransactionStore, the list filters, export, the dashboard's months).
-- The table is rebuilt (SQLite cannot change a column's type); rows keep
-- their id, the unique key and the three indexes are recreated as they were
-- with occurred_us in place of occurred_at. A query still naming occurred_at
-- on transactions fails loudly instead of comparing an integer with a text.
-- Existing rows are converted from their fixed-width ISO-8601 text by the
-- unix_micros placeholder (store/database.cc), which both engines evaluate alike.
CREATE TABLE transactions_new (
  id {{id}},
  external_id TEXT,
  line_no INTEGER NOT NULL DEFAULT 1,
  customer_id {{bigint}} REFERENCES customers (id),
  product_id {{bigint}} REFERENCES products (id),
  quantity {{bigint}} NOT NULL,
  unit_price_minor {{bigint}} NOT NULL,
  amount_minor {{bigint}} NOT NULL,
  currency TEXT NOT NULL DEFAULT 'EUR',
  occurred_us {{bigint}} NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (external_id, line_no)
);
INSERT INTO transactions_new (id, external_id, line_no, customer_id, product_id, quantity,
                              unit_price_minor, amount_minor, currency, occurred_us, created_at)
  SELECT id, external_id, line_no, customer_id, product_id, quantity, unit_price_minor,
         amount_minor, currency, {{unix_micros(occurred_at)}}, created_at
  FROM transactions ORDER BY id;
-- New sales continue after the old table's counter, not after the highest
-- row left: a sale deleted before this migration keeps its id unused.
{{carry_identity(transactions, transactions_new, id)}};
DROP TABLE transactions;
ALTER TABLE transactions_new RENAME TO transactions;
CREATE INDEX transactions_customer ON transactions (customer_id, occurred_us);
CREATE INDEX transactions_product ON transactions (product_id);
CREATE INDEX transactions_occurred ON transactions (occurred_us);
