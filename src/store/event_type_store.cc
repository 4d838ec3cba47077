#include "store/event_type_store.h"

#include <soci/soci.h>

#include "store/sql_support.h"

namespace icrm::store {

Result<std::vector<EventTypeRecord>> EventTypeStore::list() {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::vector<EventTypeRecord> out;
    for (const SqlRow& row : query_rows(
             **lease,
             "SELECT id, name, description, created_by, created_at FROM event_types ORDER BY id",
             {}, 5)) {
      out.push_back({cell_int(row[0]), cell_text(row[1]), cell_text(row[2]), cell_opt_int(row[3]),
                     cell_time(row[4])});
    }
    return out;
  } catch (const std::exception& e) {
    return db_error(e, "cannot list event types");
  }
}

Result<EventTypeRecord> EventTypeStore::create(const std::string& name,
                                               const std::string& description,
                                               std::optional<int64_t> created_by, Timestamp at) {
  if (description.size() > kMaxEventTypeDescriptionBytes) {
    return Error::too_large(
        "description is longer than " + std::to_string(kMaxEventTypeDescriptionBytes) + " bytes",
        "description");
  }
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto rows = query_rows(
        **lease,
        "INSERT INTO event_types (name, description, created_by, created_at) "
        "VALUES (:n, :d, :u, :a) RETURNING id",
        {SqlValue::of(name), SqlValue::of(description), SqlValue::of(created_by), SqlValue::of(at)},
        1);
    if (rows.empty()) return Error::internal("event type insert returned no id");
    return EventTypeRecord{cell_int(rows[0][0]), name, description, created_by, at};
  } catch (const std::exception& e) {
    Error err = db_error(e, "cannot register event type");
    if (err.code == ErrorCode::kConflict) {
      return Error::conflict("event type '" + name + "' is already registered", "name");
    }
    return err;
  }
}

}  // namespace icrm::store
