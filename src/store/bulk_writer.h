// BulkWriter: the fast write path for imports. One leased connection, explicit
// transactions, prepared statements run through each engine's C API
// (sqlite3, libpq), sales lines in bulk (one prepared insert on SQLite, COPY
// on PostgreSQL), and key indexes (external id, email, sku -> id) read in one
// query so an importer can resolve duplicates and links without a query per row.
//
// Updates change only what the row carries: an empty optional (or empty
// status, currency, attributes) keeps the stored value.
//
// It writes rows the caller has already validated; a constraint the caller did
// not check comes back as an Error and poisons the open transaction (roll back).
// Not thread-safe: one importer owns one BulkWriter (it may hand it from one
// thread to another, never use it from two at once).
//
// Bulk-load settings (SQLite; PostgreSQL keeps its own) are off until asked
// for and undone when the writer goes back to the pool: foreign keys off for
// callers that guarantee their links themselves, and commits that do not wait
// for the disk until one that does (see set_sync_commits()).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "store/database.h"
#include "store/event_store.h"
#include "store/file_writeback.h"
#include "store/schema/entity.h"

namespace icrm::store {

// Rows in the shape of the tables of migrations/0001_records.sql. Times are
// ISO-8601 UTC text (format_timestamp), money integer minor units.
struct CustomerRow {
  std::optional<std::string> external_id;
  std::string name;
  std::optional<std::string> email, phone, company, country;
  std::string status = "active";
  std::optional<int64_t> owner_id;
  std::string attributes = "{}";  // a flat JSON object
  std::string created_at, updated_at;
};

struct LeadRow {
  std::optional<std::string> external_id;
  std::string name;
  std::optional<std::string> email, company, source;
  std::string status = "new";
  std::optional<int64_t> owner_id;
  std::optional<int64_t> expected_value_minor;
  std::string currency = "EUR";
  std::string attributes = "{}";
  std::optional<int64_t> customer_id;
  std::optional<std::string> contacted_at, qualified_at, converted_at, lost_at;
  std::string created_at, updated_at;
};

struct ProductRow {
  std::string sku, name;
  std::optional<std::string> category;
  int64_t unit_price_minor = 0;
  std::string currency = "EUR";
  std::string created_at, updated_at;
};

struct TransactionRow {
  std::optional<std::string> external_id;
  int64_t line_no = 1;
  std::optional<int64_t> customer_id, product_id;
  int64_t quantity = 0, unit_price_minor = 0, amount_minor = 0;
  std::string currency = "EUR";
  int64_t occurred_us = 0;  // microseconds since the Unix epoch (migration 0013)
  std::string created_at;
};

struct ActivityRow {
  std::string kind, subject;
  std::optional<std::string> due_at;
  std::string status = "open";
  std::optional<int64_t> owner_id, lead_id, customer_id, created_by_user_id;
  bool created_by_system = false;
  std::optional<std::string> completed_at;
  std::string created_at, updated_at;
  // What identifies the row in its source (importer.cc derives it), so the
  // same file imported again finds it; NULL for rows from elsewhere.
  std::optional<std::string> import_key;
};

struct CommunicationRow {
  std::optional<int64_t> lead_id, customer_id;
  std::string direction, channel;
  std::optional<std::string> subject, body;
  std::string occurred_at;
  std::string created_at;
  std::optional<std::string> import_key;  // as ActivityRow's
};

// Records per statement of BulkWriter::insert_products/insert_customers (a
// power of two: fewer go in statements of 128, 64, ... 1 rows).
inline constexpr std::size_t kRowsPerMultiInsert = 256;
static_assert((kRowsPerMultiInsert & (kRowsPerMultiInsert - 1)) == 0);

// key -> id. Keys are compared as given; callers lower-case emails.
using KeyIndex = std::unordered_map<std::string, int64_t>;

// Which key index to read.
enum class KeyColumn {
  kCustomerExternalId,
  kCustomerEmail,  // lower(email)
  kLeadExternalId,
  kLeadEmail,  // lower(email)
  kProductSku,
  kUserEmail,       // lower(email)
  kTransactionKey,  // transaction_key(external_id, line_no)
  kActivityImportKey,
  kCommunicationImportKey,
};

// The key of a sales line in a KeyIndex.
std::string transaction_key(std::string_view external_id, int64_t line_no);

class BulkWriter {
 public:
  static Result<std::unique_ptr<BulkWriter>> open(Database& db);
  ~BulkWriter();
  BulkWriter(const BulkWriter&) = delete;
  BulkWriter& operator=(const BulkWriter&) = delete;

  Engine engine() const { return engine_; }

  // SQLite takes the write lock at begin (BEGIN IMMEDIATE) so a batch never
  // fails half-way on a lock upgrade.
  Status begin();
  Status commit();
  Status rollback();  // harmless without an open transaction
  bool in_transaction() const { return in_transaction_; }

  // SQLite: foreign key checks on or off for this connection. Off, the store
  // no longer refuses a link to a missing customer or product: the caller
  // must know each id it writes exists, e.g. because it read it inside a
  // transaction of this writer and data_version() shows nobody else has
  // committed since. Sales lines then go in many rows per statement
  // (insert_transactions), about twice as fast. No-op on PostgreSQL.
  // REQUIRES: no open transaction.
  Status set_foreign_keys(bool on);
  // SQLite: false lets commits return without waiting for the disk (WAL,
  // synchronous=NORMAL): a killed process loses nothing committed, a power
  // loss may lose the latest commits but never corrupts the file. The first
  // commit after set_sync_commits(true) waits for the disk and with it makes
  // every earlier commit durable (one fsync of the WAL covers them all).
  // No-op on PostgreSQL. REQUIRES: no open transaction.
  Status set_sync_commits(bool on);
  // SQLite, a file: when `table` holds no row and no other connection has
  // the file open (PRAGMA journal_mode = DELETE succeeds only then; it fails
  // at once otherwise, without waiting), this writer's transactions use the
  // rollback journal until end_rollback_journal() switches back to WAL.
  // Into a fresh file that writes each page once — a rollback journal keeps
  // only the old content of pages that existed before the transaction, and
  // appended pages have none — where the WAL writes it twice (into the WAL,
  // then copied back by a checkpoint). Durability is unchanged: commits stay
  // synchronous=FULL (set_sync_commits(false) is then ignored) and a killed
  // load leaves a hot journal that the next connection rolls back before it
  // reads. Returns whether it switched; false keeps WAL (PostgreSQL, an
  // in-memory database, a table with rows, the file open elsewhere).
  // While it is on, each insert_transactions() and each index that
  // rebuild_deferred() builds starts the disk writing the file's pages
  // (FileWriteback), so the commit's fsync does not find the whole file
  // still to write.
  // REQUIRES: no open transaction.
  Result<bool> use_rollback_journal(std::string_view table);
  // Back to WAL after use_rollback_journal(); a no-op otherwise. Also done
  // by the destructor. REQUIRES: no open transaction.
  Status end_rollback_journal();
  // SQLite: a number that changes whenever another connection commits
  // (PRAGMA data_version); always 0 on PostgreSQL.
  Result<int64_t> data_version();

  // When `table` holds no row: drops what a bulk load would otherwise keep
  // up row by row — its indexes that enforce no rule (not UNIQUE, not a
  // primary key) and, on PostgreSQL, its foreign keys (SQLite's are switched
  // off with set_foreign_keys) — inside the open transaction, and returns how
  // many it dropped; rebuild_deferred() creates them again from the
  // statements that made them, in one sorted pass each (a foreign key in one
  // query that checks every row). Both must happen in the same transaction:
  // a load rolled back or killed before its commit leaves the table as it
  // was, indexes and all. Returns 0 for a table with rows.
  // On SQLite a deferral also shrinks the connection's page cache for the
  // rest of the writer's life (appends and sorted index builds run faster in
  // a small one; see kSqliteAppendCacheKiB in bulk_writer.cc).
  // On PostgreSQL a dropped index or foreign key locks its tables (for a
  // foreign key also the one it points to) until the commit, against reads
  // too. When a drop fails (there: it could not have its lock within the
  // connection's lock timeout), nothing is dropped and 0 is returned.
  // REQUIRES: an open transaction.
  Result<std::size_t> defer_indexes(std::string_view table);
  Status rebuild_deferred();

  // Every key of one column, or only those of rows with id > `after_id`
  // merged into `index` (to pick up rows inserted since the last read).
  // Returns the highest id seen.
  Result<int64_t> read_keys(KeyColumn column, KeyIndex& index, int64_t after_id = 0);

  Result<int64_t> insert_customer(const CustomerRow& row);
  Status update_customer(int64_t id, const CustomerRow& row);
  // Also records the lead's initial status in lead_status_changes.
  Result<int64_t> insert_lead(const LeadRow& row);
  Status update_lead(int64_t id, const LeadRow& row);
  Result<int64_t> insert_product(const ProductRow& row);
  // Many new records at once, several per statement (one round trip per
  // kRowsPerMultiInsert on PostgreSQL instead of one per record); their ids
  // in the order given. Skus and external ids must be set and new.
  Result<std::vector<int64_t>> insert_products(std::span<const ProductRow> rows);
  Result<std::vector<int64_t>> insert_customers(std::span<const CustomerRow> rows);
  Status update_product(int64_t id, const ProductRow& row);
  // Many sales lines at once: the hot path of an import.
  Status insert_transactions(std::span<const TransactionRow> rows);
  Status update_transaction(int64_t id, const TransactionRow& row);
  Result<int64_t> insert_activity(const ActivityRow& row);
  // What a re-import may change: status, owner, completion, updated_at.
  Status update_activity(int64_t id, const ActivityRow& row);
  // response_seconds is derived by CommunicationStore's rule (see
  // communication_store.h), for this message and the one after it.
  Result<int64_t> insert_communication(const CommunicationRow& row);
  // What a re-import may change: subject and body.
  Status update_communication(int64_t id, const CommunicationRow& row);
  // Events for the log (table `events`), appended in the order given, so give
  // them in time order when the log should replay as they happened. An event
  // whose key is already stored is skipped, as EventStore::append does.
  Status insert_events(std::span<const LoggedEvent> events);
  // One audit_log entry (an import is audited once, with its summary).
  Status audit(std::optional<int64_t> user_id, std::string_view action, std::string_view entity,
               std::string_view after_json, std::string_view at);

  // Every record of an entity in id order, for export: the file columns of
  // its field table (schema/fields.h) in order (links as the other record's
  // external id or sku, owners as the user's email); money columns hold
  // minor units.
  // `fn` gets each row's values, nullopt for NULL, valid during the call.
  using ExportRowFn = std::function<void(std::span<const std::optional<std::string_view>>)>;
  Status export_rows(Entity entity, const ExportRowFn& fn);

  class Backend;  // the engine's C API; defined in bulk_writer.cc

 private:
  BulkWriter(Database::Lease lease, Engine engine, std::unique_ptr<Backend> backend);
  Result<int64_t> pragma(std::string_view name);

  Database::Lease lease_;
  Engine engine_;
  std::unique_ptr<Backend> backend_;
  bool in_transaction_ = false;
  std::vector<std::string> deferred_;  // statements that rebuild what defer_indexes() dropped
  // SQLite pragmas as the pool handed the connection over, restored on close.
  int64_t pooled_foreign_keys_ = 1, pooled_synchronous_ = 2;
  bool rollback_journal_ = false;  // use_rollback_journal() switched
  FileWriteback writeback_;        // the database file, while rollback_journal_
};

}  // namespace icrm::store
