#include "store/record_history.h"

#include <soci/soci.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "store/sql_support.h"

namespace icrm::store {
namespace {

// The id column of `entity` in the tables that refer to leads and customers.
std::string id_column(std::string_view entity) {
  return entity == "leads" ? "lead_id" : "customer_id";
}

// `one`: only that record's rows (an extra "col = :id" condition), else all.
std::string record_filter(const std::string& col, const std::vector<SqlValue>& one) {
  return one.empty() ? col + " IS NOT NULL" : col + " = :id";
}

void read_messages(soci::session& s, const std::string& col, std::vector<RecordFact>& out,
                   const std::vector<SqlValue>& one = {}) {
  for (const auto& r : query_rows(s,
                                  "SELECT " + col +
                                      ", direction, occurred_at, response_seconds "
                                      "FROM communications WHERE " +
                                      record_filter(col, one),
                                  one, 4)) {
    RecordFact f;
    f.entity_id = cell_int(r[0]);
    f.kind = cell_text(r[1]) == "in" ? FactKind::kMessageIn : FactKind::kMessageOut;
    f.at = cell_time(r[2]);
    auto response = cell_opt_int(r[3]);
    f.value = response ? double(*response) : NAN;
    out.push_back(f);
  }
}

void read_activities(soci::session& s, const std::string& col, std::vector<RecordFact>& out,
                     const std::vector<SqlValue>& one = {}) {
  for (const auto& r : query_rows(s,
                                  "SELECT " + col + ", kind, completed_at FROM activities WHERE " +
                                      record_filter(col, one) +
                                      " AND status = 'done' AND completed_at IS NOT NULL "
                                      "AND kind IN ('meeting', 'call', 'offer')",
                                  one, 3)) {
    RecordFact f;
    f.entity_id = cell_int(r[0]);
    std::string kind = cell_text(r[1]);
    f.kind = kind == "meeting" ? FactKind::kMeetingDone
             : kind == "call"  ? FactKind::kCallDone
                               : FactKind::kOfferDone;
    f.at = cell_time(r[2]);
    f.value = 1;
    out.push_back(f);
  }
}

void read_sales(soci::session& s, std::vector<RecordFact>& out) {
  for (const auto& r :
       query_rows(s,
                  "SELECT customer_id, occurred_us, amount_minor, quantity FROM transactions "
                  "WHERE customer_id IS NOT NULL",
                  {}, 4)) {
    RecordFact f;
    f.entity_id = cell_int(r[0]);
    f.at = from_unix_micros(cell_int(r[1]));
    f.value = double(cell_int(r[2])) / 100.0;
    f.kind = cell_int(r[3]) < 0 ? FactKind::kReturn : FactKind::kPurchase;
    out.push_back(f);
  }
}

// The facts about `entity`'s records (with `one`, only that record's), by
// record id, then time.
Result<std::vector<RecordFact>> read_facts(Database& db, std::string_view entity,
                                           const std::vector<SqlValue>& one) {
  auto lease = db.lease();
  if (!lease) return lease.error();
  std::vector<RecordFact> out;
  try {
    const std::string col = id_column(entity);
    read_messages(**lease, col, out, one);
    read_activities(**lease, col, out, one);
    if (entity == "customers") read_sales(**lease, out);
  } catch (const std::exception& e) {
    return db_error(e, "cannot read the history of " + std::string(entity));
  }
  std::stable_sort(out.begin(), out.end(), [](const RecordFact& a, const RecordFact& b) {
    return a.entity_id != b.entity_id ? a.entity_id < b.entity_id : a.at < b.at;
  });
  return out;
}

}  // namespace

Result<std::vector<RecordFact>> RecordHistory::facts(std::string_view entity) {
  if (entity != "leads" && entity != "customers")
    return Error::invalid("entity must be leads or customers, not \"" + std::string(entity) + "\"",
                          "entity");
  return read_facts(db_, entity, {});
}

Result<std::vector<RecordFact>> RecordHistory::facts_of(std::string_view entity, int64_t id) {
  if (entity != "leads")
    return Error::invalid("facts_of reads leads only, not \"" + std::string(entity) + "\"",
                          "entity");
  return read_facts(db_, entity, {SqlValue::of(id)});
}

Result<std::unordered_map<int64_t, Timestamp>> RecordHistory::churn_times() {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  std::unordered_map<int64_t, Timestamp> out;
  try {
    // The audit log stores records serialised by Boost.JSON: "status":"churned", no spaces.
    const std::string churned = R"(%"status":"churned"%)";
    for (const auto& r :
         query_rows(**lease,
                    "SELECT entity_id, MAX(at) FROM audit_log WHERE entity = 'customers' "
                    "AND entity_id IS NOT NULL AND after_json LIKE :a "
                    "AND (before_json IS NULL OR before_json NOT LIKE :b) GROUP BY entity_id",
                    {SqlValue::of(churned), SqlValue::of(churned)}, 2))
      out[cell_int(r[0])] = cell_time(r[1]);
  } catch (const std::exception& e) {
    return db_error(e, "cannot read churn times from the audit log");
  }
  return out;
}

}  // namespace icrm::store
