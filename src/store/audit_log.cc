#include "store/audit_log.h"

#include <soci/soci.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/list_sql.h"
#include "store/sql_support.h"
#include "store/validation.h"

namespace icrm::store {
namespace {

constexpr ListField kFields[] = {
    {"id", "id", FieldType::kInteger, true, true},
    {"at", "at", FieldType::kTimestamp, true, true},
    {"entity", "entity", FieldType::kText, true, false},
    {"entity_id", "entity_id", FieldType::kInteger, true, false},
    {"user_id", "user_id", FieldType::kInteger, true, false},
    {"action", "action", FieldType::kText, true, false},
};
constexpr ListSpec kSpec{
    .entity = "audit entries",
    .table = "audit_log",
    .columns = "id, at, user_id, action, entity, entity_id, before_json, after_json",
    .column_count = 8,
    .fields = kFields,
    .search_columns = {},
    .owner_column = {},
    .default_sort = "-id",
};

SqlValue json_or_null(const boost::json::value& v) {
  return v.is_null() ? SqlValue::null() : SqlValue::of(boost::json::serialize(v));
}

boost::json::value parse_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  return ec ? boost::json::value(nullptr) : v;
}

AuditEntry from_row(const SqlRow& r) {
  AuditEntry e;
  e.id = cell_int(r[0]);
  e.at = cell_time(r[1]);
  e.user_id = cell_opt_int(r[2]);
  e.action = cell_text(r[3]);
  e.entity = cell_text(r[4]);
  e.entity_id = cell_opt_int(r[5]);
  e.before = parse_or_null(r[6]);
  e.after = parse_or_null(r[7]);
  return e;
}

}  // namespace

void AuditLog::append_in(soci::session& s, const Actor& actor, Timestamp at,
                         std::string_view action, std::string_view entity,
                         std::optional<int64_t> entity_id, const boost::json::value& before,
                         const boost::json::value& after) {
  exec(s,
       "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json) "
       "VALUES (:at, :u, :a, :e, :i, :b, :f)",
       {SqlValue::of(at), SqlValue::of(actor.user_id), SqlValue::of(std::string(action)),
        SqlValue::of(std::string(entity)), SqlValue::of(entity_id), json_or_null(before),
        json_or_null(after)});
}

Result<int64_t> AuditLog::append(const Actor& actor, std::string_view action,
                                 std::string_view entity, std::optional<int64_t> entity_id,
                                 const boost::json::value& before,
                                 const boost::json::value& after) {
  if (auto s = check_text("action", action, kMaxAuditActionLength); !s) return s.error();
  if (auto s = check_text("entity", entity, kMaxAuditEntityLength); !s) return s.error();
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto rows = query_rows(
        **lease,
        "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json) "
        "VALUES (:at, :u, :a, :e, :i, :b, :f) RETURNING id",
        {SqlValue::of(clock_.now()), SqlValue::of(actor.user_id), SqlValue::of(std::string(action)),
         SqlValue::of(std::string(entity)), SqlValue::of(entity_id), json_or_null(before),
         json_or_null(after)},
        1);
    return cell_int(rows.at(0)[0]);
  } catch (const std::exception& e) {
    return db_error(e, "appending to the audit log");
  }
}

Result<int64_t> AuditLog::append_export(const Actor& actor, std::string_view entity,
                                        int64_t records, boost::json::object details) {
  details["records"] = records;
  return append(actor, "export", entity, std::nullopt, nullptr, details);
}

Result<Page<AuditEntry>> AuditLog::list(const ListQuery& query) {
  auto rows = run_list(db_, kSpec, query);
  if (!rows) return rows.error();
  Page<AuditEntry> page;
  for (const auto& r : rows->rows) page.items.push_back(from_row(r));
  page.next_cursor = std::move(rows->next_cursor);
  return page;
}

ListCapabilities AuditLog::list_capabilities() { return capabilities(kSpec); }

}  // namespace icrm::store
