#include "store/transaction_store.h"

#include <soci/soci.h>

#include <boost/json/serialize.hpp>
#include <map>
#include <unordered_map>
#include <vector>

#include "store/audit_log.h"
#include "store/bulk_writer.h"
#include "store/list_sql.h"
#include "store/sql_support.h"
#include "store/validation.h"

namespace icrm::store {
namespace {

constexpr std::string_view kEntity = entity_name(Entity::kTransactions);
constexpr std::string_view kColumns =
    "id, external_id, line_no, customer_id, product_id, quantity, unit_price_minor, amount_minor, "
    "currency, occurred_us, created_at";
constexpr size_t kColumnCount = 11;
constexpr ListField kFields[] = {
    {"id", "id", FieldType::kInteger, true, true},
    {"customer_id", "customer_id", FieldType::kInteger, true, false},
    {"product_id", "product_id", FieldType::kInteger, true, false},
    {"external_id", "external_id", FieldType::kText, true, false},
    {"currency", "currency", FieldType::kText, true, false},
    {"occurred_at", "occurred_us", FieldType::kMicros, true, true},
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

// Rows handed to BulkWriter at a time: bounds the memory of a large batch.
constexpr size_t kWriteChunk = 10'000;
// Ids or keys per `IN (...)` list when explaining a refused batch.
constexpr size_t kLookupChunk = 500;

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
  t.occurred_at = from_unix_micros(cell_int(r[9]));
  t.created_at = cell_time(r[10]);
  return t;
}

std::optional<Transaction> select_one(soci::session& s, int64_t id) {
  auto rows = query_rows(s, "SELECT " + std::string(kColumns) + " FROM transactions WHERE id = :id",
                         {SqlValue::of(id)}, kColumnCount);
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

Error not_found(int64_t id) {
  return Error::not_found("no transaction with id " + std::to_string(id));
}

// Normalises and checks one sale (of a change: every changed field) and
// computes its amount.
Status validate(Transaction& t, const Transaction* before = nullptr) {
  t.external_id = trimmed_or_null(t.external_id);
  RecordChecks<Transaction> check(Entity::kTransactions, t, before);
  check.text("external_id", &Transaction::external_id);
  check.currency("currency", &Transaction::currency);
  check.time("occurred_at", &Transaction::occurred_at);
  if (t.line_no < 1) check.add(Error::invalid("line_no must be 1 or more", "line_no"));
  if (t.quantity == 0) check.add(Error::invalid("quantity may not be 0", "quantity"));
  if (t.unit_price_minor < 0) {
    check.add(Error::invalid("unit_price_minor may not be negative", "unit_price_minor"));
  }
  if (auto s = check.result(); !s) return s;
  if (__builtin_mul_overflow(t.quantity, t.unit_price_minor, &t.amount_minor)) {
    return Error::invalid("quantity × unit_price_minor does not fit in 64 bits", "quantity");
  }
  return {};
}

// `e` moved to row `i` of a batch: its field becomes "rows[i].field".
Error at_row(Error e, size_t i) {
  std::string where = "rows[" + std::to_string(i) + "]";
  e.field = e.field.empty() ? where : where + "." + e.field;
  for (auto& d : e.details) d.field = d.field.empty() ? where : where + "." + d.field;
  e.message = where + ": " + e.message;
  return e;
}

Error duplicate_line(const std::string& stored_id, const Transaction& t) {
  return Error::conflict("transaction " + stored_id + " is already line " +
                             std::to_string(t.line_no) + " of " + *t.external_id,
                         "external_id");
}

// Another sale (not `self`) with t's key, and links that do not exist.
Status check_references(soci::session& s, const Transaction& t, int64_t self) {
  if (t.external_id) {
    auto dup =
        query_rows(s,
                   "SELECT id FROM transactions WHERE external_id = :x AND line_no = :l "
                   "AND id <> :self",
                   {SqlValue::of(*t.external_id), SqlValue::of(t.line_no), SqlValue::of(self)}, 1);
    if (!dup.empty()) return duplicate_line(cell_text(dup[0][0]), t);
  }
  if (auto v = check_link(s, "customers", "customer_id", t.customer_id, "customer"); !v) return v;
  return check_link(s, "products", "product_id", t.product_id, "product");
}

TransactionRow to_bulk_row(const Transaction& t, const std::string& created_at) {
  TransactionRow r;
  r.external_id = t.external_id;
  r.line_no = t.line_no;
  r.customer_id = t.customer_id;
  r.product_id = t.product_id;
  r.quantity = t.quantity;
  r.unit_price_minor = t.unit_price_minor;
  r.amount_minor = t.amount_minor;
  r.currency = t.currency;
  r.occurred_us = to_unix_micros(t.occurred_at);
  r.created_at = created_at;
  return r;
}

std::string in_list(size_t first, size_t count) {
  std::string out = "(";
  for (size_t k = 0; k < count; ++k) out += (k ? ", :p" : ":p") + std::to_string(first + k);
  return out + ")";
}

// The first row linking a missing record of `table` through `id_of`.
template <typename IdOf>
std::optional<Error> missing_link(soci::session& s, std::span<const Transaction> rows,
                                  std::string_view table, std::string_view field, IdOf id_of) {
  std::map<int64_t, size_t> first_use;  // id -> first row using it
  for (size_t i = 0; i < rows.size(); ++i) {
    if (auto id = id_of(rows[i])) first_use.emplace(*id, i);
  }
  std::vector<int64_t> ids;
  for (const auto& [id, row] : first_use) ids.push_back(id);
  std::optional<size_t> worst;
  for (size_t start = 0; start < ids.size(); start += kLookupChunk) {
    size_t n = std::min(kLookupChunk, ids.size() - start);
    SqlParams params;
    for (size_t k = 0; k < n; ++k) params.push_back(SqlValue::of(ids[start + k]));
    auto found = query_rows(
        s, "SELECT id FROM " + std::string(table) + " WHERE id IN " + in_list(0, n), params, 1);
    std::map<int64_t, bool> present;
    for (const auto& r : found) present[cell_int(r[0])] = true;
    for (size_t k = 0; k < n; ++k) {
      size_t row = first_use[ids[start + k]];
      if (!present.count(ids[start + k]) && (!worst || row < *worst)) worst = row;
    }
  }
  if (!worst) return std::nullopt;
  int64_t id = *id_of(rows[*worst]);
  return at_row(Error::invalid(std::string(field) + " " + std::to_string(id) + " is not a " +
                                   std::string(table).substr(0, table.size() - 1),
                               std::string(field)),
                *worst);
}

// Why the engine refused a batch: the first row that repeats the key of an
// earlier row or of a stored sale, or links a missing customer or product.
std::optional<Error> explain_refusal(soci::session& s, std::span<const Transaction> input) {
  std::vector<Transaction> rows(input.begin(), input.end());
  for (auto& t : rows) (void)validate(t);  // normalised as they were stored
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].external_id) continue;
    auto [it, fresh] = seen.emplace(transaction_key(*rows[i].external_id, rows[i].line_no), i);
    if (!fresh) {
      return at_row(Error::conflict("line " + std::to_string(rows[i].line_no) + " of " +
                                        *rows[i].external_id + " is also rows[" +
                                        std::to_string(it->second) + "]",
                                    "external_id"),
                    i);
    }
  }
  if (auto e = missing_link(s, rows, "customers", "customer_id",
                            [](const Transaction& t) { return t.customer_id; })) {
    return e;
  }
  if (auto e = missing_link(s, rows, "products", "product_id",
                            [](const Transaction& t) { return t.product_id; })) {
    return e;
  }
  // Stored lines of the batch's invoices, a chunk of invoices at a time.
  std::vector<std::string> invoices;
  {
    std::map<std::string, bool> distinct;
    for (const auto& t : rows) {
      if (t.external_id) distinct[*t.external_id] = true;
    }
    for (auto& [x, unused] : distinct) invoices.push_back(x);
  }
  std::unordered_map<std::string, std::string> stored;  // key -> id
  for (size_t start = 0; start < invoices.size(); start += kLookupChunk) {
    size_t n = std::min(kLookupChunk, invoices.size() - start);
    SqlParams params;
    for (size_t k = 0; k < n; ++k) params.push_back(SqlValue::of(invoices[start + k]));
    auto found = query_rows(
        s,
        "SELECT id, external_id, line_no FROM transactions WHERE external_id IN " + in_list(0, n),
        params, 3);
    for (const auto& r : found) {
      stored.emplace(transaction_key(cell_text(r[1]), cell_int(r[2])), cell_text(r[0]));
    }
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].external_id) continue;
    auto it = stored.find(transaction_key(*rows[i].external_id, rows[i].line_no));
    if (it != stored.end()) return at_row(duplicate_line(it->second, rows[i]), i);
  }
  return std::nullopt;
}

// Writes the validated rows through one BulkWriter transaction.
Status write_batch(Database& db, const Actor& actor, Timestamp now,
                   std::span<const Transaction> input) {
  auto writer = BulkWriter::open(db);
  if (!writer) return writer.error();
  BulkWriter& w = **writer;
  if (auto st = w.begin(); !st) return st;
  std::string created_at = format_timestamp(now);
  std::vector<TransactionRow> chunk;
  chunk.reserve(std::min(kWriteChunk, input.size()));
  for (size_t start = 0; start < input.size(); start += kWriteChunk) {
    chunk.clear();
    size_t end = std::min(input.size(), start + kWriteChunk);
    for (size_t i = start; i < end; ++i) {
      Transaction t = input[i];
      (void)validate(t);  // checked before; normalises and computes the amount
      chunk.push_back(to_bulk_row(t, created_at));
    }
    if (auto st = w.insert_transactions(chunk); !st) return st;  // the writer rolls back
  }
  boost::json::object after{{"inserted", input.size()}};
  if (auto st =
          w.audit(actor.user_id, "bulk_insert", kEntity, boost::json::serialize(after), created_at);
      !st) {
    return st;
  }
  return w.commit();
}

}  // namespace

Result<Transaction> TransactionStore::create(const Actor& actor, Transaction t) {
  if (auto v = validate(t); !v) return v.error();
  return in_write_transaction(
      db_, "storing a transaction", [&](soci::session& s) -> Result<Transaction> {
        if (auto v = check_references(s, t, 0); !v) return v.error();
        t.created_at = clock_.now();
        auto rows = query_rows(
            s,
            "INSERT INTO transactions (external_id, line_no, customer_id, product_id, quantity, "
            "unit_price_minor, amount_minor, currency, occurred_us, created_at) VALUES "
            "(:p0, :p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9) RETURNING id",
            {SqlValue::of(t.external_id), SqlValue::of(t.line_no), SqlValue::of(t.customer_id),
             SqlValue::of(t.product_id), SqlValue::of(t.quantity), SqlValue::of(t.unit_price_minor),
             SqlValue::of(t.amount_minor), SqlValue::of(t.currency),
             SqlValue::of(to_unix_micros(t.occurred_at)), SqlValue::of(t.created_at)},
            1);
        t.id = cell_int(rows.at(0)[0]);
        AuditLog::append_in(s, actor, t.created_at, "create", kEntity, t.id, nullptr, to_json(t));
        return t;
      });
}

Result<Transaction> TransactionStore::get(int64_t id) {
  return with_connection(db_, "reading a transaction",
                         [&](soci::session& s) -> Result<Transaction> {
                           auto t = select_one(s, id);
                           if (!t) return not_found(id);
                           return *t;
                         });
}

Result<Transaction> TransactionStore::update(const Actor& actor, Transaction t) {
  return in_write_transaction(
      db_, "updating transaction " + std::to_string(t.id),
      [&](soci::session& s) -> Result<Transaction> {
        auto before = select_one(s, t.id);
        if (!before) return not_found(t.id);
        if (auto v = validate(t, &*before); !v) return v.error();
        if (auto v = check_references(s, t, t.id); !v) return v.error();
        t.created_at = before->created_at;
        exec(
            s,
            "UPDATE transactions SET external_id = :p0, line_no = :p1, customer_id = :p2, "
            "product_id = :p3, quantity = :p4, unit_price_minor = :p5, amount_minor = :p6, "
            "currency = :p7, occurred_us = :p8 WHERE id = :p9",
            {SqlValue::of(t.external_id), SqlValue::of(t.line_no), SqlValue::of(t.customer_id),
             SqlValue::of(t.product_id), SqlValue::of(t.quantity), SqlValue::of(t.unit_price_minor),
             SqlValue::of(t.amount_minor), SqlValue::of(t.currency),
             SqlValue::of(to_unix_micros(t.occurred_at)), SqlValue::of(t.id)});
        AuditLog::append_in(s, actor, clock_.now(), "update", kEntity, t.id, to_json(*before),
                            to_json(t));
        return t;
      });
}

Status TransactionStore::remove(const Actor& actor, int64_t id) {
  return in_write_transaction(
      db_, "deleting transaction " + std::to_string(id), [&](soci::session& s) -> Status {
        auto before = select_one(s, id);
        if (!before) return not_found(id);
        exec(s, "DELETE FROM transactions WHERE id = :id", {SqlValue::of(id)});
        AuditLog::append_in(s, actor, clock_.now(), "delete", kEntity, id, to_json(*before),
                            nullptr);
        return {};
      });
}

ListCapabilities TransactionStore::list_capabilities() { return capabilities(kSpec); }

Result<Page<Transaction>> TransactionStore::list(const ListQuery& query) {
  return list_page(db_, kSpec, query, from_row);
}

Result<size_t> TransactionStore::insert_many(const Actor& actor,
                                             std::span<const Transaction> rows) {
  if (rows.size() > kMaxBulkInsertRows) {
    return Error::too_large(
        "at most " + std::to_string(kMaxBulkInsertRows) + " rows per call; split the batch",
        "rows");
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    Transaction t = rows[i];
    if (auto v = validate(t); !v) return at_row(v.error(), i);
  }
  if (rows.empty()) return size_t{0};
  // The happy path asks the database nothing beforehand; when it refuses the
  // batch (rolled back whole), find the row to blame.
  auto written = write_batch(db_, actor, clock_.now(), rows);
  if (written) return rows.size();
  if (written.error().code != ErrorCode::kConflict) return written.error();
  return with_connection(db_, "explaining a refused batch of transactions",
                         [&](soci::session& s) -> Result<size_t> {
                           if (auto why = explain_refusal(s, rows)) return *why;
                           return written.error();
                         });
}

}  // namespace icrm::store
