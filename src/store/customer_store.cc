#include "store/customer_store.h"

#include <soci/soci.h>

#include <boost/json/serialize.hpp>

#include "store/attributes.h"
#include "store/audit_log.h"
#include "store/list_sql.h"
#include "store/sql_support.h"
#include "store/validation.h"

namespace icrm::store {
namespace {

constexpr std::string_view kEntity = entity_name(Entity::kCustomers);
constexpr std::string_view kColumns =
    "id, external_id, name, email, phone, company, country, status, owner_id, attributes, "
    "created_at, updated_at";
constexpr std::string_view kStatuses[] = {"active", "inactive", "churned"};
constexpr ListField kFields[] = {
    {"id", "id", FieldType::kInteger, true, true},
    {"name", "name", FieldType::kText, false, true, "lower(name)"},
    {"email", "email", FieldType::kCaselessText, true, true, "COALESCE(lower(email), '')"},
    {"company", "company", FieldType::kText, true, true, "COALESCE(lower(company), '')"},
    {"country", "country", FieldType::kText, true, true, "COALESCE(country, '')"},
    {"status", "status", FieldType::kEnum, true, true, {}, kStatuses},
    {"owner_id", "owner_id", FieldType::kInteger, true, false},
    {"external_id", "external_id", FieldType::kText, true, false},
    {"created_at", "created_at", FieldType::kTimestamp, true, true},
    {"updated_at", "updated_at", FieldType::kTimestamp, true, true},
    // The rank of the customer's latest (churn) score, 1 = most likely to
    // churn; customers never scored sort after every scored one.
    {"rank", "rank", FieldType::kInteger, false, true,
     "COALESCE((SELECT s.rank FROM latest_scores s WHERE s.entity = 'customers' AND s.entity_id = "
     "customers.id), 9223372036854775807)"},
};
constexpr std::string_view kSearch[] = {"name", "email", "company"};
constexpr ListSpec kSpec{
    .entity = kEntity,
    .table = "customers",
    .columns = kColumns,
    .column_count = 12,
    .fields = kFields,
    .search_columns = kSearch,
    .owner_column = "owner_id",
    .default_sort = "-created_at",
};

Customer from_row(const SqlRow& r) {
  Customer c;
  c.id = cell_int(r[0]);
  c.external_id = cell_opt_text(r[1]);
  c.name = cell_text(r[2]);
  c.email = cell_opt_text(r[3]);
  c.phone = cell_opt_text(r[4]);
  c.company = cell_opt_text(r[5]);
  c.country = cell_opt_text(r[6]);
  c.status = parse_customer_status(cell_text(r[7])).value_or(CustomerStatus::kActive);
  c.owner_id = cell_opt_int(r[8]);
  c.attributes = attributes_from_text(r[9]);
  c.created_at = cell_time(r[10]);
  c.updated_at = cell_time(r[11]);
  return c;
}

std::optional<Customer> select_one(soci::session& s, std::string_view where, SqlValue v) {
  auto rows = query_rows(
      s, "SELECT " + std::string(kColumns) + " FROM customers WHERE " + std::string(where), {v},
      12);
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

// Normalises blanks and checks every field (of a change: every changed field).
Status validate(Customer& c, const Customer* before = nullptr) {
  c.name = trimmed(c.name);
  c.external_id = trimmed_or_null(c.external_id);
  c.email = trimmed_or_null(c.email);
  c.phone = trimmed_or_null(c.phone);
  c.company = trimmed_or_null(c.company);
  c.country = trimmed_or_null(c.country);
  RecordChecks<Customer> check(Entity::kCustomers, c, before);
  check.text("name", &Customer::name);
  check.text("external_id", &Customer::external_id);
  check.email("email", &Customer::email);
  check.text("phone", &Customer::phone);
  check.text("company", &Customer::company);
  check.text("country", &Customer::country);
  check.attributes(&Customer::attributes);
  return check.result();
}

// Conflicts with another customer (not `self`) on e-mail or external id, and
// an owner that does not exist.
Status check_references(soci::session& s, const Customer& c, int64_t self) {
  if (c.email) {
    auto other = CustomerStore::find_by_email_in(s, *c.email);
    if (other && other->id != self) {
      return Error::conflict(
          "customer " + std::to_string(other->id) + " already has the e-mail " + *c.email, "email");
    }
  }
  if (c.external_id) {
    auto other = select_one(s, "external_id = :x", SqlValue::of(*c.external_id));
    if (other && other->id != self) {
      return Error::conflict("customer " + std::to_string(other->id) +
                                 " already has the external_id " + *c.external_id,
                             "external_id");
    }
  }
  if (c.owner_id && !row_exists(s, "users", *c.owner_id)) {
    return Error::invalid("owner_id " + std::to_string(*c.owner_id) + " is not a user", "owner_id");
  }
  return {};
}

SqlParams field_params(const Customer& c) {
  return {SqlValue::of(c.external_id),
          SqlValue::of(c.name),
          SqlValue::of(c.email),
          SqlValue::of(c.phone),
          SqlValue::of(c.company),
          SqlValue::of(c.country),
          SqlValue::of(std::string(to_string(c.status))),
          SqlValue::of(c.owner_id),
          SqlValue::of(boost::json::serialize(c.attributes))};
}

Error not_found(int64_t id) {
  return Error::not_found("no customer with id " + std::to_string(id));
}

}  // namespace

std::optional<Customer> CustomerStore::find_by_email_in(soci::session& s, std::string_view email) {
  std::string lower(email);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return select_one(s, "lower(email) = :e", SqlValue::of(lower));
}

Result<Customer> CustomerStore::create_in(soci::session& s, const Actor& actor, Timestamp now,
                                          Customer c) {
  if (auto v = validate(c); !v) return v.error();
  if (auto v = check_references(s, c, 0); !v) return v.error();
  c.created_at = c.updated_at = now;
  SqlParams params = field_params(c);
  params.push_back(SqlValue::of(now));
  params.push_back(SqlValue::of(now));
  auto rows =
      query_rows(s,
                 "INSERT INTO customers (external_id, name, email, phone, company, country, "
                 "status, owner_id, attributes, created_at, updated_at) VALUES "
                 "(:p0, :p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9, :p10) RETURNING id",
                 params, 1);
  c.id = cell_int(rows.at(0)[0]);
  AuditLog::append_in(s, actor, now, "create", kEntity, c.id, nullptr, to_json(c));
  return c;
}

Result<Customer> CustomerStore::create(const Actor& actor, Customer draft) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    WriteTransaction tx(**lease, db_.engine());
    auto c = create_in(**lease, actor, clock_.now(), std::move(draft));
    if (!c) return c;
    tx.commit();
    return c;
  } catch (const std::exception& e) {
    return db_error(e, "creating a customer");
  }
}

Result<Customer> CustomerStore::get(int64_t id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto c = select_one(**lease, "id = :id", SqlValue::of(id));
    if (!c) return not_found(id);
    return *c;
  } catch (const std::exception& e) {
    return db_error(e, "reading a customer");
  }
}

Result<Customer> CustomerStore::find_by_email(std::string_view email) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto c = find_by_email_in(**lease, trimmed(email));
    if (!c)
      return Error::not_found("no customer with the e-mail " + std::string(email.substr(0, 254)));
    return *c;
  } catch (const std::exception& e) {
    return db_error(e, "reading a customer");
  }
}

Result<Customer> CustomerStore::find_by_external_id(std::string_view external_id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto c = select_one(**lease, "external_id = :x", SqlValue::of(std::string(external_id)));
    if (!c) {
      return Error::not_found("no customer with external_id " +
                              std::string(external_id.substr(0, kMaxExternalIdLength)));
    }
    return *c;
  } catch (const std::exception& e) {
    return db_error(e, "reading a customer");
  }
}

Result<Customer> CustomerStore::update(const Actor& actor, Customer c) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    WriteTransaction tx(s, db_.engine());
    auto before = select_one(s, "id = :id", SqlValue::of(c.id));
    if (!before) return not_found(c.id);
    if (auto v = validate(c, &*before); !v) return v.error();
    if (auto v = check_references(s, c, c.id); !v) return v.error();
    c.created_at = before->created_at;
    c.updated_at = clock_.now();
    SqlParams params = field_params(c);
    params.push_back(SqlValue::of(c.updated_at));
    params.push_back(SqlValue::of(c.id));
    exec(s,
         "UPDATE customers SET external_id = :p0, name = :p1, email = :p2, phone = :p3, "
         "company = :p4, country = :p5, status = :p6, owner_id = :p7, attributes = :p8, "
         "updated_at = :p9 WHERE id = :p10",
         params);
    AuditLog::append_in(s, actor, c.updated_at, "update", kEntity, c.id, to_json(*before),
                        to_json(c));
    tx.commit();
    return c;
  } catch (const std::exception& e) {
    return db_error(e, "updating customer " + std::to_string(c.id));
  }
}

Status CustomerStore::remove(const Actor& actor, int64_t id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    WriteTransaction tx(s, db_.engine());
    auto before = select_one(s, "id = :id", SqlValue::of(id));
    if (!before) return not_found(id);
    for (std::string_view table : {"leads", "transactions"}) {
      auto refs =
          query_rows(s, "SELECT COUNT(*) FROM " + std::string(table) + " WHERE customer_id = :id",
                     {SqlValue::of(id)}, 1);
      if (cell_int(refs.at(0)[0]) > 0) {
        return Error::conflict("customer " + std::to_string(id) + " still has " +
                               cell_text(refs[0][0]) + " " + std::string(table) +
                               "; it can be marked inactive or churned instead");
      }
    }
    exec(s, "DELETE FROM customers WHERE id = :id", {SqlValue::of(id)});
    AuditLog::append_in(s, actor, clock_.now(), "delete", kEntity, id, to_json(*before), nullptr);
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return db_error(e, "deleting customer " + std::to_string(id));
  }
}

Result<Page<Customer>> CustomerStore::list(const ListQuery& query) {
  auto rows = run_list(db_, kSpec, query);
  if (!rows) return rows.error();
  Page<Customer> page;
  for (const auto& r : rows->rows) page.items.push_back(from_row(r));
  page.next_cursor = std::move(rows->next_cursor);
  return page;
}

ListCapabilities CustomerStore::list_capabilities() { return capabilities(kSpec); }

}  // namespace icrm::store
