#include "store/alert_store.h"

#include <soci/soci.h>

#include "store/entity_visibility.h"
#include "store/sql_support.h"

namespace icrm::store {
namespace {

constexpr const char* kColumns =
    "id, kind, entity, event_type, expected, seen, sigma, gamma, message, details, at, created_at";

}  // namespace

Result<AlertRecord> AlertStore::add(AlertRecord alert) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    soci::session& s = **lease;
    long long id = 0;
    soci::indicator entity_ind = alert.entity ? soci::i_ok : soci::i_null;
    soci::indicator type_ind = alert.event_type ? soci::i_ok : soci::i_null;
    std::string entity = alert.entity.value_or(""), type = alert.event_type.value_or("");
    std::string at = format_timestamp(alert.at), created = format_timestamp(alert.created_at);
    // Doubles are bound as doubles (exact), not through the text helpers.
    s << "INSERT INTO alerts (kind, entity, event_type, expected, seen, sigma, gamma, message, "
         "details, at, created_at) VALUES (:k, :e, :t, :x, :s, :g, :gm, :m, :d, :a, :c) "
         "RETURNING id",
        soci::use(alert.kind), soci::use(entity, entity_ind), soci::use(type, type_ind),
        soci::use(alert.expected), soci::use(alert.seen), soci::use(alert.sigma),
        soci::use(alert.gamma), soci::use(alert.message), soci::use(alert.details), soci::use(at),
        soci::use(created), soci::into(id);
    alert.id = id;
    return alert;
  } catch (const std::exception& e) {
    return db_error(e, "cannot store alert");
  }
}

Result<std::vector<AlertRecord>> AlertStore::list(const AlertFilter& filter) {
  if (filter.limit == 0 || filter.limit > kMaxAlertListLimit) {
    return Error::invalid("limit is between 1 and " + std::to_string(kMaxAlertListLimit), "limit");
  }
  std::string sql = std::string("SELECT ") + kColumns + " FROM alerts";
  SqlParams params;
  std::string where;
  auto add = [&](std::string_view condition, SqlValue value) {
    where += where.empty() ? " WHERE " : " AND ";
    where += condition;
    params.push_back(std::move(value));
  };
  if (!filter.kind.empty()) add("kind = :kind", SqlValue::of(filter.kind));
  if (!filter.entity.empty()) add("entity = :entity", SqlValue::of(filter.entity));
  if (filter.from) add("at >= :from", SqlValue::of(*filter.from));
  if (filter.to) add("at < :to", SqlValue::of(*filter.to));
  if (filter.before_id > 0) add("id < :before", SqlValue::of(filter.before_id));
  if (filter.after_id > 0) add("id > :after", SqlValue::of(filter.after_id));
  if (filter.visible_to_owner) {
    where += where.empty() ? " WHERE " : " AND ";
    where += entity_visible_to_owner("entity", *filter.visible_to_owner, params);
  }
  sql += where + " ORDER BY id DESC LIMIT " + std::to_string(filter.limit);
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::vector<AlertRecord> out;
    AlertRecord a;
    long long id = 0;
    std::string entity, type, at, created;
    soci::indicator entity_ind = soci::i_ok, type_ind = soci::i_ok;
    soci::statement st(**lease);
    st.exchange(soci::into(id));
    st.exchange(soci::into(a.kind));
    st.exchange(soci::into(entity, entity_ind));
    st.exchange(soci::into(type, type_ind));
    // Typed: doubles come back exactly (as text SQLite keeps 15 digits).
    st.exchange(soci::into(a.expected));
    st.exchange(soci::into(a.seen));
    st.exchange(soci::into(a.sigma));
    st.exchange(soci::into(a.gamma));
    st.exchange(soci::into(a.message));
    st.exchange(soci::into(a.details));
    st.exchange(soci::into(at));
    st.exchange(soci::into(created));
    std::vector<soci::indicator> indicators;
    bind_params(st, params, indicators);
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
      AlertRecord row = a;
      row.id = id;
      row.entity = entity_ind == soci::i_null ? std::nullopt : std::optional<std::string>(entity);
      row.event_type = type_ind == soci::i_null ? std::nullopt : std::optional<std::string>(type);
      row.at = cell_time(at);
      row.created_at = cell_time(created);
      out.push_back(std::move(row));
    }
    return out;
  } catch (const std::exception& e) {
    return db_error(e, "cannot list alerts");
  }
}

}  // namespace icrm::store
