// TransactionStore: sales, one row per invoice line. The store computes
// amount_minor = quantity × unit_price_minor (overflow is refused); a return
// is a negative quantity; a zero quantity or a negative price is refused; the
// pair (external_id, line_no) is unique (a duplicate is a conflict naming the
// stored line). A sale without a customer is an anonymous sale. Referenced
// customers and products must exist. create/update/remove audit each change
// ("transactions" entity) in its own transaction.
//
// insert_many() is the import path: every row validated first, then all of
// them stored in one transaction through BulkWriter (one prepared insert on
// SQLite, COPY on PostgreSQL) and audited as one "bulk_insert" entry.
//
// list() filters: customer_id (also "null" for anonymous sales), product_id,
// external_id, currency, occurred_at, amount_minor, quantity (the last three
// also _from/_to); sorts: id, occurred_at, amount_minor, quantity (default
// "-occurred_at").
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/clock.h"
#include "core/result.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/list_query.h"
#include "store/records.h"

namespace icrm::store {

// Rows one insert_many() call accepts; larger imports call it repeatedly.
inline constexpr size_t kMaxBulkInsertRows = 1'000'000;

class TransactionStore {
 public:
  TransactionStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // draft.id, amount_minor and created_at are ignored (computed).
  Result<Transaction> create(const Actor& actor, Transaction draft);
  // not_found for an unknown id.
  Result<Transaction> get(int64_t id);
  // Replaces every field of sale changed.id but its id and created_at, and
  // recomputes the amount.
  Result<Transaction> update(const Actor& actor, Transaction changed);
  Status remove(const Actor& actor, int64_t id);
  Result<Page<Transaction>> list(const ListQuery& query);
  // What list() accepts, for documentation.
  static ListCapabilities list_capabilities();

  // Stores all `rows` in one transaction, or none: an Error names the first
  // row at fault as "rows[i].field" (a bad value, a key repeated within the
  // batch or already stored, a customer or product that does not exist).
  // Ids are not returned. Returns the number of rows stored.
  Result<size_t> insert_many(const Actor& actor, std::span<const Transaction> rows);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
