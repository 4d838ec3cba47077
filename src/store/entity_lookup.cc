#include "store/entity_lookup.h"

#include <soci/soci.h>

#include "store/sql_support.h"

namespace icrm::store {
namespace {

std::string_view table_of(EntityKind kind) {
  return kind == EntityKind::kLead ? "leads" : "customers";
}

// "(:p0, :p1, ...)" for n placeholders.
std::string placeholders(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += (i ? ", :p" : ":p") + std::to_string(i);
  return s + ")";
}

}  // namespace

Result<std::vector<int64_t>> EntityLookup::existing_ids(EntityKind kind,
                                                        std::span<const int64_t> ids) {
  std::vector<int64_t> out;
  if (ids.empty()) return out;
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    for (size_t at = 0; at < ids.size(); at += kMaxLookupKeysPerQuery) {
      auto chunk = ids.subspan(at, std::min(kMaxLookupKeysPerQuery, ids.size() - at));
      SqlParams params;
      for (int64_t id : chunk) params.push_back(SqlValue::of(id));
      std::string sql = "SELECT id FROM " + std::string(table_of(kind)) + " WHERE id IN " +
                        placeholders(chunk.size());
      for (const SqlRow& row : query_rows(**lease, sql, params, 1)) out.push_back(cell_int(row[0]));
    }
  } catch (const std::exception& e) {
    return db_error(e, "cannot look up entities");
  }
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> EntityLookup::find_external_ids(
    EntityKind kind, std::span<const std::string> external_ids) {
  std::vector<std::pair<std::string, int64_t>> out;
  if (external_ids.empty()) return out;
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    for (size_t at = 0; at < external_ids.size(); at += kMaxLookupKeysPerQuery) {
      auto chunk =
          external_ids.subspan(at, std::min(kMaxLookupKeysPerQuery, external_ids.size() - at));
      SqlParams params;
      for (const std::string& x : chunk) params.push_back(SqlValue::of(x));
      std::string sql = "SELECT external_id, id FROM " + std::string(table_of(kind)) +
                        " WHERE external_id IN " + placeholders(chunk.size());
      for (const SqlRow& row : query_rows(**lease, sql, params, 2)) {
        out.emplace_back(cell_text(row[0]), cell_int(row[1]));
      }
    }
  } catch (const std::exception& e) {
    return db_error(e, "cannot look up entities");
  }
  return out;
}

}  // namespace icrm::store
