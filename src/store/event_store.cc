#include "store/event_store.h"

#include <soci/soci.h>

#include <exception>

#include "store/entity_visibility.h"
#include "store/event_log_writer.h"
#include "store/sql_support.h"

namespace icrm::store {
namespace {

constexpr const char* kSelectColumns =
    "SELECT seq, event_key, entity, type, ts_us, value, attrs, received_us, too_late, "
    "submitted_by FROM events";

Status check_limit(size_t limit) {
  if (limit == 0 || limit > kMaxEventReadLimit) {
    return Error::invalid("limit is between 1 and " + std::to_string(kMaxEventReadLimit), "limit");
  }
  return ok_status();
}

// Runs a SELECT of kSelectColumns with `tail` (WHERE ... ORDER BY ... LIMIT)
// and reads each row with typed binds, so values come back exactly.
Result<std::vector<LoggedEvent>> fetch(Database& db, const std::string& tail,
                                       const SqlParams& params) {
  auto lease = db.lease();
  if (!lease) return lease.error();
  std::vector<LoggedEvent> out;
  try {
    long long seq = 0, key = 0, ts = 0, received = 0;
    std::string entity, type, attrs;
    double value = 0;
    int too_late = 0;
    long long submitted_by = 0;
    soci::indicator submitted_ind = soci::i_ok;
    soci::statement st(**lease);
    st.exchange(soci::into(seq));
    st.exchange(soci::into(key));
    st.exchange(soci::into(entity));
    st.exchange(soci::into(type));
    st.exchange(soci::into(ts));
    st.exchange(soci::into(value));
    st.exchange(soci::into(attrs));
    st.exchange(soci::into(received));
    st.exchange(soci::into(too_late));
    st.exchange(soci::into(submitted_by, submitted_ind));
    std::vector<soci::indicator> indicators;
    bind_params(st, params, indicators);
    st.alloc();
    st.prepare(std::string(kSelectColumns) + tail);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
      LoggedEvent e;
      e.seq = seq;
      e.key = static_cast<uint64_t>(key);
      e.entity = entity;
      e.type = type;
      e.ts = from_unix_micros(ts);
      e.received_at = from_unix_micros(received);
      e.value = value;
      e.attrs = attrs;
      e.too_late = too_late != 0;
      if (submitted_ind == soci::i_ok) e.submitted_by = submitted_by;
      out.push_back(std::move(e));
    }
  } catch (const std::exception& e) {
    return db_error(e, "cannot read events");
  }
  return out;
}

}  // namespace

int entity_partition(std::string_view entity) {
  uint32_t h = 2166136261u;
  for (unsigned char c : entity) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<int>(h % kEntityPartitions);
}

Result<AppendResult> EventStore::append(std::span<const LoggedEvent> events) {
  if (events.empty()) return AppendResult{};
  std::vector<EventRow> rows;
  rows.reserve(events.size());
  for (const LoggedEvent& e : events) {
    rows.push_back({e.key, e.entity, e.type, e.ts, e.value, e.attrs, e.received_at, e.too_late,
                    e.submitted_by});
  }
  auto writer = EventLogWriter::open(db_);
  if (!writer) return writer.error();
  return (*writer)->append(rows);
}

Result<std::vector<LoggedEvent>> EventStore::read_after(int64_t after_seq, size_t limit) {
  if (Status s = check_limit(limit); !s) return s.error();
  return fetch(db_, " WHERE seq > :after ORDER BY seq LIMIT " + std::to_string(limit),
               {SqlValue::of(after_seq)});
}

Result<std::vector<LoggedEvent>> EventStore::list(const EventFilter& filter) {
  if (Status s = check_limit(filter.limit); !s) return s.error();
  SqlParams params;
  std::string where;
  auto add = [&where](std::string_view condition) {
    where += where.empty() ? " WHERE " : " AND ";
    where += condition;
  };
  if (!filter.entity.empty()) {
    // The partition first, so the (entity_part, ts_us, event_key) index is used;
    // -1 holds rows stored before migration 0007.
    add("entity_part IN (:part, -1) AND entity = :entity");
    params.push_back(SqlValue::of(static_cast<int64_t>(entity_partition(filter.entity))));
    params.push_back(SqlValue::of(filter.entity));
  }
  if (!filter.type.empty()) {
    add("type = :type");
    params.push_back(SqlValue::of(filter.type));
  }
  if (filter.from) {
    add("ts_us >= :from");
    params.push_back(SqlValue::of(to_unix_micros(*filter.from)));
  }
  if (filter.to) {
    add("ts_us < :to");
    params.push_back(SqlValue::of(to_unix_micros(*filter.to)));
  }
  if (filter.before_seq > 0) {
    add("seq < :before");
    params.push_back(SqlValue::of(filter.before_seq));
  }
  if (filter.visible_to_owner)
    add(entity_visible_to_owner("entity", *filter.visible_to_owner, params));
  return fetch(db_, where + " ORDER BY seq DESC LIMIT " + std::to_string(filter.limit), params);
}

Result<int64_t> EventStore::count() {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    long long n = 0;
    **lease << "SELECT COUNT(*) FROM events", soci::into(n);
    return static_cast<int64_t>(n);
  } catch (const std::exception& e) {
    return db_error(e, "cannot count events");
  }
}

}  // namespace icrm::store
