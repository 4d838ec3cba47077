#include "api/webhook_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/auth_middleware.h"
#include "api/json_body.h"
#include "api/limits.h"
#include "api/resource_routes.h"
#include "notify/signature.h"
#include "notify/webhook_limits.h"
#include "notify/webhook_message.h"
#include "store/webhook_store.h"

namespace icrm::api {
namespace {

using boost::json::array;
using boost::json::object;

object endpoint_json(const store::WebhookEndpoint& e) {
  array topics;
  for (const auto& t : e.topics) topics.emplace_back(t);
  object o{{"id", e.id},
           {"url", e.url},
           {"topics", std::move(topics)},
           {"description", e.description},
           {"active", e.active},
           {"created_at", format_timestamp(e.created_at)},
           {"updated_at", format_timestamp(e.updated_at)}};
  o["created_by"] = e.created_by ? boost::json::value(*e.created_by) : boost::json::value(nullptr);
  return o;
}

object delivery_json(const store::WebhookDelivery& d) {
  auto opt_time = [](const std::optional<Timestamp>& t) {
    return t ? boost::json::value(format_timestamp(*t)) : boost::json::value(nullptr);
  };
  object o{{"id", d.id},
           {"endpoint_id", d.endpoint_id},
           {"topic", d.topic},
           {"event_id", d.event_id},
           {"status", store::delivery_status_name(d.status)},
           {"attempts", d.attempts},
           {"next_attempt_at", format_timestamp(d.next_attempt_at)},
           {"created_at", format_timestamp(d.created_at)}};
  o["last_status_code"] =
      d.last_status_code ? boost::json::value(*d.last_status_code) : boost::json::value(nullptr);
  o["last_error"] = d.last_error ? boost::json::value(*d.last_error) : boost::json::value(nullptr);
  o["delivered_at"] = opt_time(d.delivered_at);
  o["latency_ms"] = d.latency_ms ? boost::json::value(*d.latency_ms) : boost::json::value(nullptr);
  return o;
}

// Every webhook route is admin-only: the admin calling.
Result<const Caller*> require_admin(const Request& request, auth::Action action) {
  auto caller = require_caller(request);
  if (!caller) return caller.error();
  if (auto s = authorize(**caller, action, auth::Resource::kSettings); !s) return s.error();
  return caller;
}

// require_admin(), then the {id} of the route.
struct AdminTarget {
  store::Actor actor;
  int64_t id = 0;
};
Result<AdminTarget> admin_id_param(const Request& request, auth::Action action) {
  auto caller = require_admin(request, action);
  if (!caller) return caller.error();
  auto id = id_param(request);
  if (!id) return id.error();
  return AdminTarget{actor_of(**caller), *id};
}

// "topics": a JSON array of topic names, checked by notify::check_webhook_topics.
std::optional<std::vector<std::string>> read_topics(const boost::json::object& body, JsonFields& f,
                                                    Presence presence) {
  f.allow("topics");
  auto it = body.find("topics");
  if (it == body.end()) {
    if (presence == Presence::kRequired) f.fail("topics", "topics is required");
    return std::nullopt;
  }
  if (!it->value().is_array()) {
    f.fail("topics", "topics must be an array of topic names");
    return std::nullopt;
  }
  std::vector<std::string> topics;
  for (const auto& t : it->value().as_array()) {
    if (!t.is_string()) {
      f.fail("topics", "topics must be an array of topic names");
      return std::nullopt;
    }
    topics.emplace_back(t.as_string());
  }
  if (auto s = notify::check_webhook_topics(topics); !s) {
    f.fail(s.error().field, s.error().message);
    return std::nullopt;
  }
  return topics;
}

// The writable fields of an endpoint in a body: url and topics required
// (`presence` kRequired, a create) or optional (a patch); every problem named.
struct EndpointFields {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> topics;
  std::optional<std::string> description;
  std::optional<bool> active;
};

Result<EndpointFields> read_endpoint_fields(const Request& request, Presence presence,
                                            const notify::EgressPolicy& egress) {
  auto body = parse_json_body(request);
  if (!body) return body.error();
  JsonFields f(*body);
  EndpointFields out;
  // One byte past the limit still reads, so check_webhook_url names the limit.
  out.url = f.string("url", presence, notify::kMaxWebhookUrlBytes + 1);
  if (out.url) {
    if (auto s = notify::check_webhook_url(*out.url); !s)
      f.fail("url", s.error().message);
    else if (auto p = egress.check_url(*out.url); !p)
      f.fail("url", p.error().message);
  }
  out.topics = read_topics(*body, f, presence);
  out.description =
      f.string("description", Presence::kOptional, notify::kMaxWebhookDescriptionBytes);
  out.active = f.boolean("active", Presence::kOptional);
  if (auto s = f.finish(); !s) return s.error();
  return out;
}

// `limit` (1..kMaxPageSize) and `cursor` (an id) of the delivery log.
Result<std::pair<size_t, int64_t>> page_of(const Request& request) {
  auto limit = positive_param(request, "limit", static_cast<int64_t>(kMaxPageSize));
  if (!limit) return limit.error();
  auto cursor = positive_param(request, "cursor", INT64_MAX);
  if (!cursor) return cursor.error();
  return std::pair<size_t, int64_t>{*limit == 0 ? kDefaultPageSize : static_cast<size_t>(*limit),
                                    *cursor};
}

constexpr const char* kEndpointSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"url":{"type":"string"},)"
    R"("topics":{"type":"array","items":{"type":"string","enum":["decision","alert","score"]}},)"
    R"("description":{"type":"string"},"active":{"type":"boolean"},"created_by":{"type":["integer","null"]},)"
    R"("created_at":{"type":"string"},"updated_at":{"type":"string"},)"
    R"("secret":{"type":"string","description":"only in the answer to the create and to a new secret"}}})";
// The writable fields; the create also requires url and topics.
constexpr const char* kWriteProperties =
    R"("properties":{"url":{"type":"string","maxLength":2048,"description":"http:// or https://"},)"
    R"("topics":{"type":"array","items":{"type":"string","enum":["decision","alert","score"]}},)"
    R"("description":{"type":"string"},"active":{"type":"boolean"}},"additionalProperties":false)";
constexpr const char* kDeliverySchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"endpoint_id":{"type":"integer"},)"
    R"("topic":{"type":"string"},"event_id":{"type":"string"},)"
    R"("status":{"type":"string","enum":["pending","delivered","failed"]},"attempts":{"type":"integer"},)"
    R"("last_status_code":{"type":["integer","null"]},"last_error":{"type":["string","null"]},)"
    R"("next_attempt_at":{"type":"string"},"created_at":{"type":"string"},)"
    R"("delivered_at":{"type":["string","null"]},"latency_ms":{"type":["integer","null"]}}})";

}  // namespace

void add_webhook_routes(Router& router, store::Database& db, const Clock& clock,
                        const notify::EgressPolicy& egress) {
  router.add(
      Method::kGet, "/api/v1/webhooks",
      [&db](const Request& request) -> Result<Response> {
        if (auto s = require_admin(request, auth::Action::kRead); !s) return s.error();
        auto endpoints = store::WebhookStore(db).list_endpoints();
        if (!endpoints) return endpoints.error();
        array items;
        for (const auto& e : *endpoints) items.push_back(endpoint_json(e));
        return Response::json(200, boost::json::serialize(object{{"items", std::move(items)}}));
      },
      {.summary = "The webhook endpoints (admin), oldest first, without their secrets",
       .tag = "webhooks",
       .responses = {200},
       .response_schema =
           std::string(R"({"type":"object","properties":{"items":{"type":"array","items":)") +
           kEndpointSchema + "}}}"});

  router.add(
      Method::kPost, "/api/v1/webhooks",
      [&db, &clock, egress](const Request& request) -> Result<Response> {
        auto caller = require_admin(request, auth::Action::kCreate);
        if (!caller) return caller.error();
        auto fields = read_endpoint_fields(request, Presence::kRequired, egress);
        if (!fields) return fields.error();
        store::WebhookStore store(db);
        auto count = store.count_endpoints();
        if (!count) return count.error();
        if (static_cast<size_t>(*count) >= notify::kMaxWebhookEndpoints)
          return Error::conflict("at most " + std::to_string(notify::kMaxWebhookEndpoints) +
                                 " webhooks; remove one first");
        store::WebhookEndpoint e;
        e.url = *fields->url;
        e.topics = *fields->topics;
        e.description = fields->description.value_or("");
        e.active = fields->active.value_or(true);
        e.secret = notify::generate_webhook_secret();
        e.created_by = (*caller)->user_id;
        e.created_at = clock.now();
        auto made = store.create_endpoint(actor_of(**caller), e);
        if (!made) return made.error();
        object out = endpoint_json(*made);
        out["secret"] = made->secret;
        return record_response(201, out, "/api/v1/webhooks/" + std::to_string(made->id));
      },
      {.summary = "Register a webhook endpoint (admin): an http(s) URL (at most 2048 bytes) and "
                  "the topics it receives; at most 50 endpoints. The answer carries the signing "
                  "secret, shown this once",
       .tag = "webhooks",
       .responses = {201, 400, 409, 415},
       .request_schema =
           std::string(R"({"type":"object","required":["url","topics"],)") + kWriteProperties + "}",
       .response_schema = kEndpointSchema});

  router.add(Method::kGet, "/api/v1/webhooks/{id}",
             [&db](const Request& request) -> Result<Response> {
               auto target = admin_id_param(request, auth::Action::kRead);
               if (!target) return target.error();
               auto e = store::WebhookStore(db).get_endpoint(target->id);
               if (!e) return e.error();
               return Response::json(200, boost::json::serialize(endpoint_json(*e)));
             },
             {.summary = "One webhook endpoint (admin), without its secret",
              .tag = "webhooks",
              .responses = {200, 400, 404},
              .response_schema = kEndpointSchema});

  router.add(
      Method::kPatch, "/api/v1/webhooks/{id}",
      [&db, &clock, egress](const Request& request) -> Result<Response> {
        auto target = admin_id_param(request, auth::Action::kUpdate);
        if (!target) return target.error();
        auto fields = read_endpoint_fields(request, Presence::kOptional, egress);
        if (!fields) return fields.error();
        store::WebhookStore store(db);
        auto e = store.get_endpoint(target->id);
        if (!e) return e.error();
        if (fields->url) e->url = *fields->url;
        if (fields->topics) e->topics = *fields->topics;
        if (fields->description) e->description = *fields->description;
        if (fields->active) e->active = *fields->active;
        e->updated_at = clock.now();
        auto updated = store.update_endpoint(target->actor, *e);
        if (!updated) return updated.error();
        return Response::json(200, boost::json::serialize(endpoint_json(*updated)));
      },
      {.summary = "Change a webhook endpoint's URL, topics, description or active flag (admin); "
                  "only the fields sent change. Deliveries already queued keep their endpoint",
       .tag = "webhooks",
       .responses = {200, 400, 404, 415},
       .request_schema = std::string(R"({"type":"object",)") + kWriteProperties + "}",
       .response_schema = kEndpointSchema});

  router.add(Method::kDelete, "/api/v1/webhooks/{id}",
             [&db, &clock](const Request& request) -> Result<Response> {
               auto target = admin_id_param(request, auth::Action::kDelete);
               if (!target) return target.error();
               if (auto s = store::WebhookStore(db).remove_endpoint(target->actor, target->id,
                                                                    clock.now());
                   !s)
                 return s.error();
               return Response::text(204, "text/plain", "");
             },
             {.summary = "Remove a webhook endpoint and its delivery log (admin)",
              .tag = "webhooks",
              .responses = {204, 400, 404}});

  router.add(
      Method::kGet, "/api/v1/webhooks/{id}/deliveries",
      [&db](const Request& request) -> Result<Response> {
        auto target = admin_id_param(request, auth::Action::kRead);
        if (!target) return target.error();
        auto page = page_of(request);
        if (!page) return page.error();
        store::WebhookStore store(db);
        if (auto e = store.get_endpoint(target->id); !e) return e.error();
        auto rows = store.list_deliveries(target->id, page->second, page->first);
        if (!rows) return rows.error();
        array items;
        for (const auto& d : *rows) items.push_back(delivery_json(d));
        bool full = rows->size() == page->first && !rows->empty();
        object out{{"items", std::move(items)}};
        out["next_cursor"] = full ? boost::json::value(std::to_string(rows->back().id))
                                  : boost::json::value(nullptr);
        return Response::json(200, boost::json::serialize(out));
      },
      {.summary = "An endpoint's delivery log (admin), newest first: each message with its "
                  "status (pending, delivered, failed), attempts, last HTTP status or error, "
                  "next attempt and latency; pass next_cursor as cursor for the next page",
       .tag = "webhooks",
       .responses = {200, 400, 404},
       .response_schema =
           std::string(R"({"type":"object","properties":{"items":{"type":"array","items":)") +
           kDeliverySchema + R"(},"next_cursor":{"type":["string","null"]}}})",
       .query = {"limit", "cursor"}});

  router.add(
      Method::kPost, "/api/v1/webhooks/{id}/test",
      [&db, &clock](const Request& request) -> Result<Response> {
        auto target = admin_id_param(request, auth::Action::kUpdate);
        if (!target) return target.error();
        const int64_t id = target->id;
        Timestamp now = clock.now();
        std::string event_id = notify::make_event_id(now, static_cast<uint64_t>(id));
        auto body = notify::make_webhook_body(notify::kPingTopic, event_id,
                                              R"({"message":"ping from InsightCRM"})", now);
        if (!body) return body.error();
        auto d = store::WebhookStore(db).enqueue_for(id, std::string(notify::kPingTopic), event_id,
                                                     *body, now);
        if (!d) return d.error();
        return Response::json(202, boost::json::serialize(delivery_json(*d)));
      },
      {.summary = "Send the endpoint a signed \"ping\" (admin), whatever its topics or active "
                  "flag: 202 with the queued delivery; follow it in the delivery log",
       .tag = "webhooks",
       .responses = {202, 400, 404},
       .response_schema = kDeliverySchema});

  router.add(
      Method::kPost, "/api/v1/webhooks/{id}/secret",
      [&db, &clock](const Request& request) -> Result<Response> {
        auto target = admin_id_param(request, auth::Action::kUpdate);
        if (!target) return target.error();
        auto e = store::WebhookStore(db).replace_secret(
            target->actor, target->id, notify::generate_webhook_secret(), clock.now());
        if (!e) return e.error();
        object out = endpoint_json(*e);
        out["secret"] = e->secret;
        return Response::json(200, boost::json::serialize(out));
      },
      {.summary = "Give the endpoint a new signing secret (admin), shown this once; the old one "
                  "stops signing at once, pending deliveries included",
       .tag = "webhooks",
       .responses = {200, 400, 404},
       .response_schema = kEndpointSchema});
}

}  // namespace icrm::api
