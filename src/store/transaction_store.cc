#include "store/transaction_store.h"

#include <soci/soci.h>

#include "store/audit_log.h"
#include "store/list_sql.h"
#include "store/sql_support.h"
#include "store/validation.h"

namespace icrm::store {
namespace {

constexpr std::string_view kEntity = "transactions";
constexpr std::string_view kColumns =
    "id, external_id, line_no, customer_id, product_id, quantity, unit_price_minor, amount_minor, "
    "currency, occurred_at, created_at";
constexpr size_t kColumnCount = 11;
constexpr std::string_view kInsertColumns =
    "INSERT INTO transactions (external_id, line_no, customer_id, product_id, quantity, "
    "unit_price_minor, amount_minor, currency, occurred_at, created_at) VALUES ";
constexpr size_t kInsertParams = 10;
constexpr ListField kFields[] = {
    {"id", "id", FieldType::kInteger, true, true},
    {"customer_id", "customer_id", FieldType::kInteger, true, false},
    {"product_id", "product_id", FieldType::kInteger, true, false},
    {"external_id", "external_id", FieldType::kText, true, false},
    {"currency", "currency", FieldType::kText, true, false},
    {"occurred_at", "occurred_at", FieldType::kTimestamp, true, true},
    {"amount_minor", "amount_minor", FieldType::kInteger, true, true},
    {"quantity", "quantity", FieldType::kInteger, true, true},
};
constexpr ListSpec kSpec{
    .entity = kEntity,
    .table = "transactions",
    .columns = kColumns,
    .column_count = kColumnCount,
    .fields = kFields,
    .search_columns = {},
    .owner_column = {},
    .default_sort = "-occurred_at",
};

Transaction from_row(const SqlRow& r) {
  Transaction t;
  t.id = cell_int(r[0]);
  t.external_id = cell_opt_text(r[1]);
  t.line_no = cell_int(r[2]);
  t.customer_id = cell_opt_int(r[3]);
  t.product_id = cell_opt_int(r[4]);
  t.quantity = cell_int(r[5]);
  t.unit_price_minor = cell_int(r[6]);
  t.amount_minor = cell_int(r[7]);
  t.currency = cell_text(r[8]);
  t.occurred_at = cell_time(r[9]);
  t.created_at = cell_time(r[10]);
  return t;
}

// Checks one row and computes its amount; `prefix` is "" or "rows[i].".
Status validate(Transaction& t, const std::string& prefix) {
  t.external_id = trimmed_or_null(t.external_id);
  if (auto s = check_optional_text(prefix + "external_id", t.external_id, kMaxExternalIdLength); !s)
    return s;
  if (auto s = check_currency(prefix + "currency", t.currency); !s) return s;
  if (t.line_no < 1) return Error::invalid("line_no must be 1 or more", prefix + "line_no");
  if (t.quantity == 0) return Error::invalid("quantity may not be 0", prefix + "quantity");
  if (t.unit_price_minor < 0) {
    return Error::invalid("unit_price_minor may not be negative", prefix + "unit_price_minor");
  }
  if (__builtin_mul_overflow(t.quantity, t.unit_price_minor, &t.amount_minor)) {
    return Error::invalid("quantity × unit_price_minor does not fit in 64 bits",
                          prefix + "quantity");
  }
  return {};
}

std::string placeholders(size_t rows) {
  std::string out;
  for (size_t r = 0; r < rows; ++r) {
    out += r == 0 ? "(" : ", (";
    for (size_t c = 0; c < kInsertParams; ++c) {
      out += (c == 0 ? ":p" : ", :p") + std::to_string(r * kInsertParams + c);
    }
    out += ")";
  }
  return out;
}

// One prepared multi-row INSERT of exactly `rows` rows, bound to buffers that
// fill() overwrites before each execute().
class ChunkInsert {
 public:
  ChunkInsert(soci::session& s, size_t rows, bool skip_duplicates)
      : st_(s), text_(rows * 4), ints_(rows * 6), text_ind_(rows * 4), int_ind_(rows * 6) {
    for (size_t r = 0; r < rows; ++r) {
      st_.exchange(soci::use(text_[r * 4 + 0], text_ind_[r * 4 + 0]));  // external_id
      for (size_t k = 0; k < 6; ++k) st_.exchange(soci::use(ints_[r * 6 + k], int_ind_[r * 6 + k]));
      for (size_t k = 1; k < 4; ++k) st_.exchange(soci::use(text_[r * 4 + k], text_ind_[r * 4 + k]));
    }
    st_.alloc();
    st_.prepare(std::string(kInsertColumns) + placeholders(rows) +
                (skip_duplicates ? " ON CONFLICT (external_id, line_no) DO NOTHING" : ""));
    st_.define_and_bind();
  }

  // Stores rows[0..n) where n is the size given to the constructor; returns
  // how many were inserted.
  long long run(const Transaction* rows, size_t n, const std::string& created_at) {
    for (size_t r = 0; r < n; ++r) {
      const Transaction& t = rows[r];
      text_[r * 4 + 0] = t.external_id.value_or("");
      text_ind_[r * 4 + 0] = t.external_id ? soci::i_ok : soci::i_null;
      long long values[6] = {t.line_no,  t.customer_id.value_or(0), t.product_id.value_or(0),
                             t.quantity, t.unit_price_minor,        t.amount_minor};
      for (size_t k = 0; k < 6; ++k) {
        ints_[r * 6 + k] = values[k];
        int_ind_[r * 6 + k] = soci::i_ok;
      }
      if (!t.customer_id) int_ind_[r * 6 + 1] = soci::i_null;
      if (!t.product_id) int_ind_[r * 6 + 2] = soci::i_null;
      text_[r * 4 + 1] = t.currency;
      text_[r * 4 + 2] = format_timestamp(t.occurred_at);
      text_[r * 4 + 3] = created_at;
      for (size_t k = 1; k < 4; ++k) text_ind_[r * 4 + k] = soci::i_ok;
    }
    st_.execute(true);
    return st_.get_affected_rows();
  }

 private:
  soci::statement st_;
  std::vector<std::string> text_;  // external_id, currency, occurred_at, created_at per row
  std::vector<long long> ints_;    // line_no, customer_id, product_id, quantity, price, amount
  std::vector<soci::indicator> text_ind_;
  std::vector<soci::indicator> int_ind_;
};

}  // namespace

Result<Transaction> TransactionStore::create(const Actor& actor, Transaction t) {
  if (auto v = validate(t, ""); !v) return v.error();
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    WriteTransaction tx(s, db_.engine());
    if (t.external_id) {
      auto dup = query_rows(s,
                            "SELECT id FROM transactions WHERE external_id = :x AND line_no = :l",
                            {SqlValue::of(*t.external_id), SqlValue::of(t.line_no)}, 1);
      if (!dup.empty()) {
        return Error::conflict("transaction " + cell_text(dup[0][0]) + " is already line " +
                                   std::to_string(t.line_no) + " of " + *t.external_id,
                               "external_id");
      }
    }
    if (t.customer_id && !row_exists(s, "customers", *t.customer_id)) {
      Error e = Error::not_found("no customer with id " + std::to_string(*t.customer_id));
      e.field = "customer_id";
      return e;
    }
    if (t.product_id && !row_exists(s, "products", *t.product_id)) {
      Error e = Error::not_found("no product with id " + std::to_string(*t.product_id));
      e.field = "product_id";
      return e;
    }
    t.created_at = clock_.now();
    std::string sql = std::string(kInsertColumns) + placeholders(1) + " RETURNING id";
    auto rows = query_rows(
        s, sql,
        {SqlValue::of(t.external_id), SqlValue::of(t.line_no), SqlValue::of(t.customer_id),
         SqlValue::of(t.product_id), SqlValue::of(t.quantity), SqlValue::of(t.unit_price_minor),
         SqlValue::of(t.amount_minor), SqlValue::of(t.currency), SqlValue::of(t.occurred_at),
         SqlValue::of(t.created_at)},
        1);
    t.id = cell_int(rows.at(0)[0]);
    AuditLog::append_in(s, actor, t.created_at, "create", kEntity, t.id, nullptr, to_json(t));
    tx.commit();
    return t;
  } catch (const std::exception& e) {
    return db_error(e, "storing a transaction");
  }
}

Result<Transaction> TransactionStore::get(int64_t id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto rows = query_rows(**lease,
                           "SELECT " + std::string(kColumns) + " FROM transactions WHERE id = :id",
                           {SqlValue::of(id)}, kColumnCount);
    if (rows.empty()) return Error::not_found("no transaction with id " + std::to_string(id));
    return from_row(rows.front());
  } catch (const std::exception& e) {
    return db_error(e, "reading a transaction");
  }
}

Result<Page<Transaction>> TransactionStore::list(const ListQuery& query) {
  auto rows = run_list(db_, kSpec, query);
  if (!rows) return rows.error();
  Page<Transaction> page;
  for (const auto& r : rows->rows) page.items.push_back(from_row(r));
  page.next_cursor = std::move(rows->next_cursor);
  return page;
}

Result<BulkInsertResult> TransactionStore::insert_many(const Actor& actor,
                                                       std::span<const Transaction> input,
                                                       const BulkInsertOptions& options) {
  if (input.size() > kMaxBulkInsertRows) {
    return Error::too_large("at most " + std::to_string(kMaxBulkInsertRows) +
                                " rows per call; split the batch",
                            "rows");
  }
  std::vector<Transaction> rows(input.begin(), input.end());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (auto v = validate(rows[i], "rows[" + std::to_string(i) + "]."); !v) return v.error();
  }
  BulkInsertResult result;
  if (rows.empty()) return result;
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    WriteTransaction tx(s, db_.engine());
    Timestamp now = clock_.now();
    std::string created_at = format_timestamp(now);
    size_t full = rows.size() / kBulkInsertChunk;
    size_t rest = rows.size() % kBulkInsertChunk;
    long long inserted = 0;
    if (full > 0) {
      ChunkInsert chunk(s, kBulkInsertChunk, options.skip_duplicates);
      for (size_t c = 0; c < full; ++c) {
        inserted += chunk.run(&rows[c * kBulkInsertChunk], kBulkInsertChunk, created_at);
      }
    }
    if (rest > 0) {
      ChunkInsert tail(s, rest, options.skip_duplicates);
      inserted += tail.run(&rows[full * kBulkInsertChunk], rest, created_at);
    }
    result.inserted = static_cast<size_t>(inserted);
    result.skipped = rows.size() - result.inserted;
    boost::json::object after{{"inserted", result.inserted}, {"skipped", result.skipped}};
    AuditLog::append_in(s, actor, now, "bulk_insert", kEntity, std::nullopt, nullptr, after);
    tx.commit();
    return result;
  } catch (const std::exception& e) {
    return db_error(e, "storing " + std::to_string(rows.size()) + " transactions");
  }
}

}  // namespace icrm::store
