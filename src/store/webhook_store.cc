#include "store/webhook_store.h"

#include <soci/soci.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/url/parse.hpp>

#include "store/audit_log.h"
#include "store/json_text.h"
#include "store/sql_support.h"

namespace icrm::store {
namespace {

constexpr const char* kEndpointColumns =
    "id, url, secret, topics, description, active, created_by, created_at, updated_at";
constexpr size_t kEndpointColumnCount = 9;
constexpr const char* kDeliveryColumns =
    "id, endpoint_id, topic, event_id, body, attempts, status, last_status_code, last_error, "
    "next_attempt_at, created_at, delivered_at, latency_ms";
constexpr size_t kDeliveryColumnCount = 13;
constexpr std::string_view kEntity = "webhooks";

WebhookEndpoint endpoint_from_row(const SqlRow& r) {
  WebhookEndpoint e;
  e.id = cell_int(r[0]);
  e.url = cell_text(r[1]);
  e.secret = cell_text(r[2]);
  e.topics = string_array_from_text(cell_text(r[3]));
  e.description = cell_text(r[4]);
  e.active = cell_int(r[5]) != 0;
  e.created_by = cell_opt_int(r[6]);
  e.created_at = cell_time(r[7]);
  e.updated_at = cell_time(r[8]);
  return e;
}

DeliveryStatus status_from_text(const std::string& s) {
  if (s == "delivered") return DeliveryStatus::kDelivered;
  if (s == "failed") return DeliveryStatus::kFailed;
  return DeliveryStatus::kPending;
}

WebhookDelivery delivery_from_row(const SqlRow& r) {
  WebhookDelivery d;
  d.id = cell_int(r[0]);
  d.endpoint_id = cell_int(r[1]);
  d.topic = cell_text(r[2]);
  d.event_id = cell_text(r[3]);
  d.body = cell_text(r[4]);
  d.attempts = static_cast<int>(cell_int(r[5]));
  d.status = status_from_text(cell_text(r[6]));
  if (auto code = cell_opt_int(r[7])) d.last_status_code = static_cast<int>(*code);
  d.last_error = cell_opt_text(r[8]);
  d.next_attempt_at = cell_time(r[9]);
  d.created_at = cell_time(r[10]);
  d.delivered_at = cell_opt_time(r[11]);
  d.latency_ms = cell_opt_int(r[12]);
  return d;
}

// An endpoint as the audit log holds it: no secret, and of the URL only where
// it goes (scheme and authority), since a path or query may carry a token.
boost::json::value audit_json(const WebhookEndpoint& e) {
  boost::json::array topics;
  for (const auto& t : e.topics) topics.emplace_back(t);
  auto url = boost::urls::parse_absolute_uri(e.url);
  std::string origin =
      url ? std::string(url->scheme()) + "://" + std::string(url->encoded_authority()) : "";
  return boost::json::object{{"url_origin", origin},
                             {"topics", std::move(topics)},
                             {"description", e.description},
                             {"active", e.active}};
}

// The endpoint `id` read inside a transaction, or not found.
Result<WebhookEndpoint> endpoint_in(soci::session& s, int64_t id) {
  auto rows = query_rows(
      s, std::string("SELECT ") + kEndpointColumns + " FROM webhook_endpoints WHERE id = :id",
      {SqlValue::of(id)}, kEndpointColumnCount);
  if (rows.empty()) return Error::not_found("no webhook " + std::to_string(id));
  return endpoint_from_row(rows[0]);
}

std::vector<SqlRow> insert_delivery(soci::session& s, int64_t endpoint_id, const std::string& topic,
                                    const std::string& event_id, const std::string& body,
                                    Timestamp now) {
  return query_rows(
      s,
      std::string("INSERT INTO webhook_deliveries (endpoint_id, topic, event_id, body, "
                  "attempts, status, next_attempt_at, created_at) VALUES "
                  "(:e, :t, :v, :b, 0, 'pending', :n, :c) RETURNING ") +
          kDeliveryColumns,
      {SqlValue::of(endpoint_id), SqlValue::of(topic), SqlValue::of(event_id), SqlValue::of(body),
       SqlValue::of(now), SqlValue::of(now)},
      kDeliveryColumnCount);
}

}  // namespace

std::string_view delivery_status_name(DeliveryStatus s) {
  switch (s) {
    case DeliveryStatus::kPending:
      return "pending";
    case DeliveryStatus::kDelivered:
      return "delivered";
    case DeliveryStatus::kFailed:
      return "failed";
  }
  return "pending";
}

Result<WebhookEndpoint> WebhookStore::create_endpoint(const Actor& actor, WebhookEndpoint e) {
  return in_write_transaction(
      db_, "cannot store webhook", [&](soci::session& s) -> Result<WebhookEndpoint> {
        auto rows = query_rows(
            s,
            std::string(
                "INSERT INTO webhook_endpoints (url, secret, topics, description, active, "
                "created_by, created_at, updated_at) VALUES (:u, :s, :t, :d, :a, :b, :c, :m) "
                "RETURNING ") +
                kEndpointColumns,
            {SqlValue::of(e.url), SqlValue::of(e.secret), SqlValue::of(string_array_text(e.topics)),
             SqlValue::of(e.description), SqlValue::of(int64_t{e.active ? 1 : 0}),
             SqlValue::of(e.created_by), SqlValue::of(e.created_at), SqlValue::of(e.created_at)},
            kEndpointColumnCount);
        WebhookEndpoint made = endpoint_from_row(rows.at(0));
        AuditLog::append_in(s, actor, made.created_at, "create", kEntity, made.id, nullptr,
                            audit_json(made));
        return made;
      });
}

Result<WebhookEndpoint> WebhookStore::get_endpoint(int64_t id) {
  return with_connection(db_, "cannot read webhook",
                         [&](soci::session& s) { return endpoint_in(s, id); });
}

Result<std::vector<WebhookEndpoint>> WebhookStore::list_endpoints() {
  return with_connection(
      db_, "cannot list webhooks", [&](soci::session& s) -> Result<std::vector<WebhookEndpoint>> {
        auto rows = query_rows(
            s, std::string("SELECT ") + kEndpointColumns + " FROM webhook_endpoints ORDER BY id",
            {}, kEndpointColumnCount);
        std::vector<WebhookEndpoint> out;
        for (const auto& r : rows) out.push_back(endpoint_from_row(r));
        return out;
      });
}

Result<int64_t> WebhookStore::count_endpoints() {
  return with_connection(db_, "cannot count webhooks", [&](soci::session& s) -> Result<int64_t> {
    return cell_int(query_rows(s, "SELECT count(*) FROM webhook_endpoints", {}, 1).at(0)[0]);
  });
}

Result<WebhookEndpoint> WebhookStore::update_endpoint(const Actor& actor,
                                                      const WebhookEndpoint& e) {
  return in_write_transaction(
      db_, "cannot update webhook", [&](soci::session& s) -> Result<WebhookEndpoint> {
        auto before = endpoint_in(s, e.id);
        if (!before) return before.error();
        auto rows = query_rows(
            s,
            std::string("UPDATE webhook_endpoints SET url = :u, topics = :t, description = :d, "
                        "active = :a, updated_at = :m WHERE id = :id RETURNING ") +
                kEndpointColumns,
            {SqlValue::of(e.url), SqlValue::of(string_array_text(e.topics)),
             SqlValue::of(e.description), SqlValue::of(int64_t{e.active ? 1 : 0}),
             SqlValue::of(e.updated_at), SqlValue::of(e.id)},
            kEndpointColumnCount);
        WebhookEndpoint after = endpoint_from_row(rows.at(0));
        // Whether the path or query changed too, which the origin alone hides.
        boost::json::value after_json = audit_json(after);
        after_json.as_object()["url_changed"] = before->url != after.url;
        AuditLog::append_in(s, actor, e.updated_at, "update", kEntity, e.id, audit_json(*before),
                            after_json);
        return after;
      });
}

Result<WebhookEndpoint> WebhookStore::replace_secret(const Actor& actor, int64_t id,
                                                     const std::string& secret, Timestamp at) {
  return in_write_transaction(
      db_, "cannot replace webhook secret", [&](soci::session& s) -> Result<WebhookEndpoint> {
        auto rows = query_rows(s,
                               std::string("UPDATE webhook_endpoints SET secret = :s, updated_at = "
                                           ":m WHERE id = :id RETURNING ") +
                                   kEndpointColumns,
                               {SqlValue::of(secret), SqlValue::of(at), SqlValue::of(id)},
                               kEndpointColumnCount);
        if (rows.empty()) return Error::not_found("no webhook " + std::to_string(id));
        WebhookEndpoint after = endpoint_from_row(rows[0]);
        AuditLog::append_in(s, actor, at, "rotate_secret", kEntity, id, nullptr, audit_json(after));
        return after;
      });
}

Status WebhookStore::remove_endpoint(const Actor& actor, int64_t id, Timestamp at) {
  return in_write_transaction(db_, "cannot remove webhook", [&](soci::session& s) -> Status {
    auto before = endpoint_in(s, id);
    if (!before) return before.error();
    auto deliveries =
        exec(s, "DELETE FROM webhook_deliveries WHERE endpoint_id = :id", {SqlValue::of(id)});
    exec(s, "DELETE FROM webhook_endpoints WHERE id = :id", {SqlValue::of(id)});
    boost::json::value was = audit_json(*before);
    was.as_object()["deliveries_removed"] = static_cast<int64_t>(deliveries);
    AuditLog::append_in(s, actor, at, "delete", kEntity, id, was, nullptr);
    return {};
  });
}

Result<int64_t> WebhookStore::enqueue(const std::string& topic, const std::string& event_id,
                                      const std::string& body, Timestamp now) {
  return enqueue_many({OutboxMessage{topic, event_id, body}}, now);
}

Result<int64_t> WebhookStore::enqueue_many(const std::vector<OutboxMessage>& messages,
                                           Timestamp now) {
  if (messages.empty()) return int64_t{0};
  return in_write_transaction(
      db_, "cannot queue webhook deliveries", [&](soci::session& s) -> Result<int64_t> {
        auto rows = query_rows(s,
                               std::string("SELECT ") + kEndpointColumns +
                                   " FROM webhook_endpoints WHERE active = 1 ORDER BY id",
                               {}, kEndpointColumnCount);
        std::vector<WebhookEndpoint> endpoints;
        for (const auto& r : rows) endpoints.push_back(endpoint_from_row(r));
        int64_t written = 0;
        for (const OutboxMessage& m : messages) {
          for (const WebhookEndpoint& e : endpoints) {
            if (std::find(e.topics.begin(), e.topics.end(), m.topic) == e.topics.end()) continue;
            insert_delivery(s, e.id, m.topic, m.event_id, m.body, now);
            ++written;
          }
        }
        return written;
      });
}

Result<WebhookDelivery> WebhookStore::enqueue_for(int64_t endpoint_id, const std::string& topic,
                                                  const std::string& event_id,
                                                  const std::string& body, Timestamp now) {
  return with_connection(
      db_, "cannot queue webhook delivery", [&](soci::session& s) -> Result<WebhookDelivery> {
        if (!row_exists(s, "webhook_endpoints", endpoint_id))
          return Error::not_found("no webhook " + std::to_string(endpoint_id));
        return delivery_from_row(insert_delivery(s, endpoint_id, topic, event_id, body, now).at(0));
      });
}

namespace {

std::vector<WebhookDelivery> due_rows(soci::session& s, Timestamp now, size_t limit) {
  auto rows = query_rows(s,
                         std::string("SELECT ") + kDeliveryColumns +
                             " FROM webhook_deliveries WHERE status = 'pending' AND "
                             "next_attempt_at <= :now ORDER BY next_attempt_at, id LIMIT " +
                             std::to_string(limit),
                         {SqlValue::of(now)}, kDeliveryColumnCount);
  std::vector<WebhookDelivery> out;
  for (const auto& r : rows) out.push_back(delivery_from_row(r));
  return out;
}

}  // namespace

Result<std::vector<WebhookDelivery>> WebhookStore::due(Timestamp now, size_t limit) {
  return with_connection(db_, "cannot read due webhook deliveries",
                         [&](soci::session& s) -> Result<std::vector<WebhookDelivery>> {
                           return due_rows(s, now, limit);
                         });
}

namespace {

bool claim_row(soci::session& s, int64_t delivery_id, Timestamp now, Timestamp lease_until) {
  return exec(s,
              "UPDATE webhook_deliveries SET next_attempt_at = :l WHERE id = :id AND "
              "status = 'pending' AND next_attempt_at <= :now",
              {SqlValue::of(lease_until), SqlValue::of(delivery_id), SqlValue::of(now)}) == 1;
}

void record_row(soci::session& s, int64_t delivery_id, const DeliveryAttempt& a) {
  DeliveryStatus status = a.delivered         ? DeliveryStatus::kDelivered
                          : a.next_attempt_at ? DeliveryStatus::kPending
                                              : DeliveryStatus::kFailed;
  SqlValue code = a.status_code ? SqlValue::of(int64_t{*a.status_code}) : SqlValue::null();
  exec(s,
       "UPDATE webhook_deliveries SET attempts = attempts + 1, status = :s, "
       "last_status_code = :c, last_error = :e, next_attempt_at = :n, delivered_at = :d, "
       "latency_ms = :l WHERE id = :id",
       {SqlValue::of(std::string(delivery_status_name(status))), code, SqlValue::of(a.error),
        SqlValue::of(a.next_attempt_at.value_or(a.at)),
        a.delivered ? SqlValue::of(a.at) : SqlValue::null(), SqlValue::of(a.latency_ms),
        SqlValue::of(delivery_id)});
}

}  // namespace

Result<bool> WebhookStore::claim(int64_t delivery_id, Timestamp now, Timestamp lease_until) {
  return with_connection(db_, "cannot claim webhook delivery",
                         [&](soci::session& s) -> Result<bool> {
                           return claim_row(s, delivery_id, now, lease_until);
                         });
}

Result<std::vector<WebhookDelivery>> WebhookStore::claim_due(Timestamp now, Timestamp lease_until,
                                                             size_t limit) {
  return in_write_transaction(db_, "cannot claim webhook deliveries",
                              [&](soci::session& s) -> Result<std::vector<WebhookDelivery>> {
                                std::vector<WebhookDelivery> taken;
                                for (WebhookDelivery& d : due_rows(s, now, limit)) {
                                  // On PostgreSQL another instance may have taken the row since the
                                  // SELECT; the conditional UPDATE waits for its lock and then sees
                                  // it.
                                  if (!claim_row(s, d.id, now, lease_until)) continue;
                                  d.next_attempt_at = lease_until;
                                  taken.push_back(std::move(d));
                                }
                                return taken;
                              });
}

Status WebhookStore::record_attempt(int64_t delivery_id, const DeliveryAttempt& a) {
  return with_connection(db_, "cannot record webhook attempt", [&](soci::session& s) -> Status {
    record_row(s, delivery_id, a);
    return {};
  });
}

Status WebhookStore::record_attempts(
    const std::vector<std::pair<int64_t, DeliveryAttempt>>& attempts) {
  if (attempts.empty()) return {};
  return in_write_transaction(db_, "cannot record webhook attempts",
                              [&](soci::session& s) -> Status {
                                for (const auto& [id, a] : attempts) record_row(s, id, a);
                                return {};
                              });
}

Status WebhookStore::release(const std::vector<int64_t>& delivery_ids, Timestamp at) {
  if (delivery_ids.empty()) return {};
  return in_write_transaction(db_, "cannot release webhook deliveries",
                              [&](soci::session& s) -> Status {
                                for (int64_t id : delivery_ids)
                                  exec(s,
                                       "UPDATE webhook_deliveries SET next_attempt_at = :n WHERE "
                                       "id = :id AND status = 'pending'",
                                       {SqlValue::of(at), SqlValue::of(id)});
                                return {};
                              });
}

Result<WebhookDelivery> WebhookStore::get_delivery(int64_t id) {
  return with_connection(
      db_, "cannot read webhook delivery", [&](soci::session& s) -> Result<WebhookDelivery> {
        auto rows = query_rows(
            s,
            std::string("SELECT ") + kDeliveryColumns + " FROM webhook_deliveries WHERE id = :id",
            {SqlValue::of(id)}, kDeliveryColumnCount);
        if (rows.empty()) return Error::not_found("no delivery " + std::to_string(id));
        return delivery_from_row(rows[0]);
      });
}

Result<std::vector<WebhookDelivery>> WebhookStore::list_deliveries(int64_t endpoint_id,
                                                                   int64_t before_id,
                                                                   size_t limit) {
  return with_connection(db_, "cannot list webhook deliveries",
                         [&](soci::session& s) -> Result<std::vector<WebhookDelivery>> {
                           std::string sql = std::string("SELECT ") + kDeliveryColumns +
                                             " FROM webhook_deliveries WHERE endpoint_id = :e";
                           SqlParams params{SqlValue::of(endpoint_id)};
                           if (before_id > 0) {
                             sql += " AND id < :b";
                             params.push_back(SqlValue::of(before_id));
                           }
                           sql += " ORDER BY id DESC LIMIT " + std::to_string(limit);
                           auto rows = query_rows(s, sql, params, kDeliveryColumnCount);
                           std::vector<WebhookDelivery> out;
                           for (const auto& r : rows) out.push_back(delivery_from_row(r));
                           return out;
                         });
}

}  // namespace icrm::store
