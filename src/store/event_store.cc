#include "store/event_store.h"

#include <soci/soci.h>

#include <exception>

namespace icrm::store {
namespace {

Error store_error(const char* what, const std::exception& e) {
  return Error::unavailable(std::string(what) + ": " + e.what());
}

}  // namespace

Result<AppendResult> EventStore::append(std::span<const LoggedEvent> events) {
  AppendResult result;
  result.stored.reserve(events.size());
  if (events.empty()) return result;
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    soci::transaction tr(s);
    long long key = 0;
    std::string entity, type, ts, attrs, received_at;
    double value = 0;
    int too_late = 0;
    // ON CONFLICT DO NOTHING (SQLite >= 3.24, PostgreSQL >= 9.5): a duplicate
    // key is skipped without failing the transaction.
    soci::statement st =
        (s.prepare << "INSERT INTO events (event_key, entity, type, ts, value, attrs, "
                      "received_at, too_late) VALUES (:k, :e, :t, :ts, :v, :a, :r, :l) "
                      "ON CONFLICT (event_key) DO NOTHING",
         soci::use(key), soci::use(entity), soci::use(type), soci::use(ts), soci::use(value),
         soci::use(attrs), soci::use(received_at), soci::use(too_late));
    for (const LoggedEvent& e : events) {
      key = static_cast<long long>(e.key);
      entity = e.entity;
      type = e.type;
      ts = format_timestamp(e.ts);
      value = e.value;
      attrs = e.attrs;
      received_at = format_timestamp(e.received_at);
      too_late = e.too_late ? 1 : 0;
      st.execute(true);
      bool stored = st.get_affected_rows() > 0;
      result.stored.push_back(stored);
      result.stored_count += stored ? 1 : 0;
    }
    tr.commit();
  } catch (const std::exception& e) {
    return store_error("cannot append events", e);
  }
  return result;
}

Result<std::vector<LoggedEvent>> EventStore::read_after(int64_t after_seq, size_t limit) {
  if (limit == 0 || limit > kMaxEventReadLimit) {
    return Error::invalid("limit is between 1 and " + std::to_string(kMaxEventReadLimit), "limit");
  }
  auto lease = db_.lease();
  if (!lease) return lease.error();
  std::vector<LoggedEvent> out;
  try {
    long long seq = 0, key = 0;
    std::string entity, type, ts, attrs, received_at;
    double value = 0;
    int too_late = 0;
    long long after = after_seq;
    long long lim = static_cast<long long>(limit);
    soci::statement st =
        ((**lease).prepare << "SELECT seq, event_key, entity, type, ts, value, attrs, received_at, "
                              "too_late FROM events WHERE seq > :after ORDER BY seq LIMIT :lim",
         soci::into(seq), soci::into(key), soci::into(entity), soci::into(type), soci::into(ts),
         soci::into(value), soci::into(attrs), soci::into(received_at), soci::into(too_late),
         soci::use(after), soci::use(lim));
    st.execute();
    while (st.fetch()) {
      LoggedEvent e;
      e.seq = seq;
      e.key = static_cast<uint64_t>(key);
      e.entity = entity;
      e.type = type;
      auto t = parse_timestamp(ts);
      auto r = parse_timestamp(received_at);
      if (!t || !r) return Error::internal("event " + std::to_string(seq) + " has a bad timestamp");
      e.ts = *t;
      e.received_at = *r;
      e.value = value;
      e.attrs = attrs;
      e.too_late = too_late != 0;
      out.push_back(std::move(e));
    }
  } catch (const std::exception& e) {
    return store_error("cannot read events", e);
  }
  return out;
}

Result<int64_t> EventStore::count() {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    long long n = 0;
    **lease << "SELECT COUNT(*) FROM events", soci::into(n);
    return static_cast<int64_t>(n);
  } catch (const std::exception& e) {
    return store_error("cannot count events", e);
  }
}

}  // namespace icrm::store
