// TransactionStore: sales, one row per invoice line. The store computes
// amount_minor = quantity × unit_price_minor (overflow is refused); a return
// is a negative quantity, a zero quantity or negative price is refused; the
// pair (external_id, line_no) is unique. create() audits each sale;
// insert_many() is the import path: many rows in one transaction through
// prepared multi-row INSERTs, audited as one "bulk_insert" entry.
//
// list() filters: customer_id, product_id, external_id, currency,
// occurred_at, amount_minor (both also _from/_to); sorts: id, occurred_at,
// amount_minor, quantity (default "-occurred_at").
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

// Rows per multi-row INSERT statement in insert_many().
inline constexpr size_t kBulkInsertChunk = 200;
// Rows one insert_many() call accepts; larger imports call it repeatedly.
inline constexpr size_t kMaxBulkInsertRows = 1'000'000;

struct BulkInsertOptions {
  // Rows whose (external_id, line_no) is already stored are skipped rather
  // than failing the batch: re-running an import is harmless.
  bool skip_duplicates = false;
};

struct BulkInsertResult {
  size_t inserted = 0;
  size_t skipped = 0;  // duplicates, with skip_duplicates
};

class TransactionStore {
 public:
  TransactionStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // draft.id, amount_minor and created_at are ignored (computed).
  Result<Transaction> create(const Actor& actor, Transaction draft);
  Result<Transaction> get(int64_t id);
  Result<Page<Transaction>> list(const ListQuery& query);

  // Validates every row first (an Error names "rows[i].field"), then stores
  // all of them in one transaction or none. Referenced customers and
  // products must exist. Ids are not returned.
  Result<BulkInsertResult> insert_many(const Actor& actor, std::span<const Transaction> rows,
                                       const BulkInsertOptions& options = {});

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
