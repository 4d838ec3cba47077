#include "store/product_store.h"

#include <soci/soci.h>

#include "store/audit_log.h"
#include "store/list_sql.h"
#include "store/sql_support.h"
#include "store/validation.h"

namespace icrm::store {
namespace {

constexpr std::string_view kEntity = entity_name(Entity::kProducts);
constexpr std::string_view kColumns =
    "id, sku, name, category, unit_price_minor, currency, created_at, updated_at";
constexpr size_t kColumnCount = 8;
constexpr ListField kFields[] = {
    {"id", "id", FieldType::kInteger, true, true},
    {"sku", "sku", FieldType::kText, true, true},
    {"name", "name", FieldType::kText, false, true, "lower(name)"},
    {"category", "category", FieldType::kText, true, true, "COALESCE(lower(category), '')"},
    {"currency", "currency", FieldType::kText, true, false},
    {"unit_price_minor", "unit_price_minor", FieldType::kInteger, true, true},
    {"created_at", "created_at", FieldType::kTimestamp, true, true},
    {"updated_at", "updated_at", FieldType::kTimestamp, true, true},
};
constexpr std::string_view kSearch[] = {"sku", "name", "category"};
constexpr ListSpec kSpec{
    .entity = kEntity,
    .table = "products",
    .columns = kColumns,
    .column_count = kColumnCount,
    .fields = kFields,
    .search_columns = kSearch,
    .owner_column = {},
    .default_sort = "name",
};

Product from_row(const SqlRow& r) {
  Product p;
  p.id = cell_int(r[0]);
  p.sku = cell_text(r[1]);
  p.name = cell_text(r[2]);
  p.category = cell_opt_text(r[3]);
  p.unit_price_minor = cell_int(r[4]);
  p.currency = cell_text(r[5]);
  p.created_at = cell_time(r[6]);
  p.updated_at = cell_time(r[7]);
  return p;
}

std::optional<Product> select_one(soci::session& s, std::string_view where, SqlValue v) {
  auto rows = query_rows(
      s, "SELECT " + std::string(kColumns) + " FROM products WHERE " + std::string(where), {v},
      kColumnCount);
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

// Normalises blanks and checks every field (of a change: every changed field).
Status validate(Product& p, const Product* before = nullptr) {
  p.sku = trimmed(p.sku);
  p.name = trimmed(p.name);
  p.category = trimmed_or_null(p.category);
  RecordChecks<Product> check(Entity::kProducts, p, before);
  check.text("sku", &Product::sku);
  check.text("name", &Product::name);
  check.text("category", &Product::category);
  check.currency("currency", &Product::currency);
  if (p.unit_price_minor < 0) {
    check.add(Error::invalid("unit_price_minor may not be negative", "unit_price_minor"));
  }
  return check.result();
}

Status check_unique(soci::session& s, const Product& p) {
  auto other = select_one(s, "sku = :s", SqlValue::of(p.sku));
  if (other && other->id != p.id) {
    return Error::conflict("product " + std::to_string(other->id) + " already has the sku " + p.sku,
                           "sku");
  }
  return {};
}

Error not_found(int64_t id) { return Error::not_found("no product with id " + std::to_string(id)); }

}  // namespace

Result<Product> ProductStore::create(const Actor& actor, Product p) {
  if (auto v = validate(p); !v) return v.error();
  p.id = 0;
  return in_write_transaction(db_, "creating a product", [&](soci::session& s) -> Result<Product> {
    if (auto v = check_unique(s, p); !v) return v.error();
    p.created_at = p.updated_at = clock_.now();
    auto rows = query_rows(s,
                           "INSERT INTO products (sku, name, category, unit_price_minor, currency, "
                           "created_at, updated_at) VALUES (:p0, :p1, :p2, :p3, :p4, :p5, :p6) "
                           "RETURNING id",
                           {SqlValue::of(p.sku), SqlValue::of(p.name), SqlValue::of(p.category),
                            SqlValue::of(p.unit_price_minor), SqlValue::of(p.currency),
                            SqlValue::of(p.created_at), SqlValue::of(p.updated_at)},
                           1);
    p.id = cell_int(rows.at(0)[0]);
    AuditLog::append_in(s, actor, p.created_at, "create", kEntity, p.id, nullptr, to_json(p));
    return p;
  });
}

Result<Product> ProductStore::get(int64_t id) {
  return with_connection(db_, "reading a product", [&](soci::session& s) -> Result<Product> {
    auto p = select_one(s, "id = :id", SqlValue::of(id));
    if (!p) return not_found(id);
    return *p;
  });
}

Result<Product> ProductStore::find_by_sku(std::string_view sku) {
  return with_connection(db_, "reading a product", [&](soci::session& s) -> Result<Product> {
    auto p = select_one(s, "sku = :s", SqlValue::of(std::string(sku)));
    if (!p) {
      return Error::not_found("no product with sku " + std::string(sku.substr(0, kMaxSkuLength)));
    }
    return *p;
  });
}

Result<Product> ProductStore::update(const Actor& actor, Product p) {
  return in_write_transaction(
      db_, "updating product " + std::to_string(p.id), [&](soci::session& s) -> Result<Product> {
        auto before = select_one(s, "id = :id", SqlValue::of(p.id));
        if (!before) return not_found(p.id);
        if (auto v = validate(p, &*before); !v) return v.error();
        if (auto v = check_unique(s, p); !v) return v.error();
        p.created_at = before->created_at;
        p.updated_at = clock_.now();
        exec(s,
             "UPDATE products SET sku = :p0, name = :p1, category = :p2, unit_price_minor = :p3, "
             "currency = :p4, updated_at = :p5 WHERE id = :p6",
             {SqlValue::of(p.sku), SqlValue::of(p.name), SqlValue::of(p.category),
              SqlValue::of(p.unit_price_minor), SqlValue::of(p.currency),
              SqlValue::of(p.updated_at), SqlValue::of(p.id)});
        AuditLog::append_in(s, actor, p.updated_at, "update", kEntity, p.id, to_json(*before),
                            to_json(p));
        return p;
      });
}

Status ProductStore::remove(const Actor& actor, int64_t id) {
  return in_write_transaction(
      db_, "deleting product " + std::to_string(id), [&](soci::session& s) -> Status {
        auto before = select_one(s, "id = :id", SqlValue::of(id));
        if (!before) return not_found(id);
        auto refs = query_rows(s, "SELECT COUNT(*) FROM transactions WHERE product_id = :id",
                               {SqlValue::of(id)}, 1);
        if (cell_int(refs.at(0)[0]) > 0) {
          return Error::conflict("product " + std::to_string(id) + " is on " +
                                 cell_text(refs[0][0]) + " transactions and cannot be removed");
        }
        exec(s, "DELETE FROM products WHERE id = :id", {SqlValue::of(id)});
        AuditLog::append_in(s, actor, clock_.now(), "delete", kEntity, id, to_json(*before),
                            nullptr);
        return {};
      });
}

ListCapabilities ProductStore::list_capabilities() { return capabilities(kSpec); }

Result<Page<Product>> ProductStore::list(const ListQuery& query) {
  return list_page(db_, kSpec, query, from_row);
}

}  // namespace icrm::store
