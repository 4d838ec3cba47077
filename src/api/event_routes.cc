#include "api/event_routes.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <future>
#include <optional>
#include <string>

#include "api/auth_middleware.h"
#include "api/json_body.h"
#include "api/limits.h"
#include "api/problem.h"
#include "api/resource_routes.h"
#include "ingest/event.h"
#include "ingest/event_reader.h"
#include "store/alert_store.h"
#include "store/event_store.h"
#include "stream/alert_format.h"

namespace icrm::api {
namespace {

using boost::json::array;
using boost::json::object;

std::string media_type(const Request& request) {
  std::string_view media = request.headers.get("Content-Type").value_or("");
  media = media.substr(0, media.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

Result<std::optional<Timestamp>> time_param(const Request& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::optional<Timestamp>();
  auto t = parse_timestamp(*text, /*assume_utc=*/false);
  if (!t)
    return Error::invalid(std::string(name) + " must be an ISO-8601 time with a zone",
                          std::string(name));
  return std::optional<Timestamp>(*t);
}

object event_to_json(const store::LoggedEvent& e) {
  object o{{"seq", e.seq},          {"entity", e.entity},
           {"type", e.type},        {"ts", format_timestamp(e.ts)},
           {"value", e.value},      {"received_at", format_timestamp(e.received_at)},
           {"too_late", e.too_late}};
  if (!e.attrs.empty()) {
    auto attrs = parse_json_object(e.attrs);
    if (attrs) o["attrs"] = std::move(*attrs);
  }
  return o;
}

object report_to_json(const app::IngestReport& report) {
  array rejected;
  for (const auto& r : report.rejected) {
    object o{{"index", r.index}, {"reason", r.reason}};
    o["field"] = r.field.empty() ? boost::json::value(nullptr) : boost::json::value(r.field);
    rejected.push_back(std::move(o));
  }
  return object{{"received", report.received},
                {"accepted", report.accepted},
                {"duplicates", report.duplicates},
                {"too_late", report.too_late},
                {"rejected_count", report.rejected.size()},
                {"rejected", std::move(rejected)}};
}

// "lead:ext:17" -> "lead:4"; an invalid argument for a malformed or unknown reference.
Result<std::string> canonical_entity(app::EventIngestor& ingestor, std::string_view text) {
  std::string ref(text);
  if (auto s = ingest::check_entity_key(ref); !s)
    return Error::invalid(s.error().message, "entity");
  auto found = ingestor.resolve_entity(ref);
  if (!found) return found.error();
  if (!*found) return Error::invalid("no such record: '" + std::string(text) + "'", "entity");
  return ref;
}

// The filters and paging GET /events and GET /alerts share: entity (any
// reference form), from, to, limit (1..max_limit), cursor.
struct PageParams {
  std::string entity;
  std::optional<Timestamp> from, to;
  size_t limit = kDefaultPageSize;
  int64_t cursor = 0;
};

Result<PageParams> page_params(const Request& request, app::EventIngestor& ingestor,
                               size_t max_limit) {
  PageParams p;
  if (auto entity = request.query_param("entity")) {
    auto canonical = canonical_entity(ingestor, *entity);
    if (!canonical) return canonical.error();
    p.entity = std::move(*canonical);
  }
  auto from = time_param(request, "from");
  if (!from) return from.error();
  auto to = time_param(request, "to");
  if (!to) return to.error();
  p.from = *from;
  p.to = *to;
  auto limit = positive_param(request, "limit", static_cast<int64_t>(max_limit));
  if (!limit) return limit.error();
  if (*limit > 0) p.limit = static_cast<size_t>(*limit);
  auto cursor = positive_param(request, "cursor", INT64_MAX);
  if (!cursor) return cursor.error();
  p.cursor = *cursor;
  return p;
}

// {"items": [...], "next_cursor": the last item's id when the page is full, else null}.
Response page_response(array items, size_t limit, int64_t last_id) {
  bool full = items.size() == limit && !items.empty();
  object out{{"items", std::move(items)}};
  out["next_cursor"] =
      full ? boost::json::value(std::to_string(last_id)) : boost::json::value(nullptr);
  return Response::json(200, boost::json::serialize(out));
}

constexpr const char* kReportSchema =
    R"({"type":"object","properties":{"received":{"type":"integer"},"accepted":{"type":"integer"},)"
    R"("duplicates":{"type":"integer"},"too_late":{"type":"integer"},"rejected_count":{"type":"integer"},)"
    R"("rejected":{"type":"array","items":{"type":"object","properties":{"index":{"type":"integer"},)"
    R"("field":{"type":["string","null"]},"reason":{"type":"string"}}}}}})";
constexpr const char* kEventPageSchema =
    R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{)"
    R"("seq":{"type":"integer"},"entity":{"type":"string"},"type":{"type":"string"},"ts":{"type":"string"},)"
    R"("value":{"type":"number"},"attrs":{"type":"object"},"received_at":{"type":"string"},)"
    R"("too_late":{"type":"boolean"}}}},"next_cursor":{"type":["string","null"]}}})";
constexpr const char* kEventTypeSchema =
    R"({"type":"object","properties":{"name":{"type":"string"},"builtin":{"type":"boolean"},)"
    R"("description":{"type":"string"},"created_at":{"type":["string","null"]}}})";

}  // namespace

void add_event_routes(Router& router, store::Database& db, app::EventIngestor& ingestor,
                      const app::LiveScorer* scorer) {
  router.add(
      Method::kPost, "/api/v1/events",
      [&ingestor](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kCreate, auth::Resource::kEvent); !a)
          return a.error();
        std::string media = media_type(request);
        ingest::EventBodyFormat format;
        if (media == "application/json") {
          format = ingest::EventBodyFormat::kJsonArray;
        } else if (media == "application/x-ndjson" || media == "application/jsonl") {
          format = ingest::EventBodyFormat::kNdjson;
        } else {
          return problem_response(415,
                                  "events are sent as application/json (an array) or "
                                  "application/x-ndjson (one event per line)");
        }
        auto types = ingestor.types();
        auto parsed = ingest::read_events(request.body, format, *types, ingestor.clock());
        if (!parsed) return parsed.error();
        std::promise<Result<app::IngestReport>> promise;
        auto answer = promise.get_future();
        ingestor.ingest(
            std::move(*parsed), std::move(types),
            [&promise](Result<app::IngestReport> r) { promise.set_value(std::move(r)); });
        auto report = answer.get();
        if (!report) return report.error();
        return Response::json(202, boost::json::serialize(report_to_json(*report)));
      },
      {.summary =
           "Send behaviour events (a JSON array, or NDJSON with Content-Type "
           "application/x-ndjson), at most 10,000 per request. 202 once the accepted ones "
           "are durable, with counts and, for each rejected event, its index, field and "
           "reason; duplicates (same id, or same content without an id) are not counted again",
       .tag = "events",
       .responses = {202, 400, 413, 415, 429},
       .request_schema =
           R"({"type":"array","maxItems":10000,"items":{"type":"object","required":["entity","type","ts"],)"
           R"("properties":{"id":{"type":"string"},"entity":{"type":"string","description":"lead:123, customer:ext:17850, visitor:ext:abc"},)"
           R"("type":{"type":"string"},"ts":{"type":"string","description":"ISO-8601 with a zone"},)"
           R"("value":{"type":"number"},"attrs":{"type":"object"}},"additionalProperties":false}})",
       .response_schema = kReportSchema});

  router.add(
      Method::kGet, "/api/v1/events",
      [&db, &ingestor](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kRead, auth::Resource::kEvent); !a)
          return a.error();
        auto page = page_params(request, ingestor, kMaxPageSize);
        if (!page) return page.error();
        store::EventFilter filter;
        if (auto type = request.query_param("type")) {
          if (!ingestor.types()->find(*type))
            return Error::invalid("unknown event type '" + std::string(*type) + "'", "type");
          filter.type = std::string(*type);
        }
        filter.entity = std::move(page->entity);
        filter.from = page->from;
        filter.to = page->to;
        filter.limit = page->limit;
        filter.before_seq = page->cursor;
        auto rows = store::EventStore(db).list(filter);
        if (!rows) return rows.error();
        array items;
        for (const auto& e : *rows) items.push_back(event_to_json(e));
        return page_response(std::move(items), filter.limit, rows->empty() ? 0 : rows->back().seq);
      },
      {.summary = "The stored events, newest first, filtered by entity (any reference form), "
                  "type and time (from inclusive, to exclusive); pass next_cursor as cursor for "
                  "the next page",
       .tag = "events",
       .responses = {200, 400},
       .response_schema = kEventPageSchema,
       .query = {"entity", "type", "from", "to", "limit", "cursor"}});

  router.add(
      Method::kGet, "/api/v1/events/stats",
      [&ingestor, scorer](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kRead, auth::Resource::kEvent); !a)
          return a.error();
        app::StreamStats s = ingestor.stats();
        object by_type;
        for (const auto& [name, n] : s.by_type) by_type[name] = n;
        object out{{"total", s.total},
                   {"by_type", std::move(by_type)},
                   {"last_minute", s.last_minute},
                   {"too_late", s.too_late},
                   {"entities", s.entities},
                   {"alerts", s.alerts},
                   {"alerts_suppressed", s.alerts_suppressed}};
        out["watermark"] =
            s.watermark_us > 0
                ? boost::json::value(format_timestamp(from_unix_micros(s.watermark_us)))
                : boost::json::value(nullptr);
        if (scorer != nullptr) {
          app::LiveScoringStats l = scorer->stats();
          out["live_scoring"] = object{{"model_id", l.model_id > 0 ? boost::json::value(l.model_id)
                                                                   : boost::json::value(nullptr)},
                                       {"state", l.state},
                                       {"rescored", l.rescored},
                                       {"rows_written", l.rows_written},
                                       {"tier_changes", l.tier_changes},
                                       {"tier_alerts_suppressed", l.tier_alerts_suppressed},
                                       {"skipped_no_model", l.skipped_no_model},
                                       {"skipped_closed", l.skipped_closed},
                                       {"errors", l.errors}};
        }
        return Response::json(200, boost::json::serialize(out));
      },
      {.summary = "Counters of the event log: total, by type, committed in the last minute, "
                  "flagged too late, entities tracked, alerts raised, newest event time; "
                  "live_scoring says which model re-scores leads as events arrive (model_id "
                  "null and state \"no active lead model\" when none does)",
       .tag = "events",
       .responses = {200},
       .response_schema =
           R"({"type":"object","properties":{"total":{"type":"integer"},"by_type":{"type":"object"},)"
           R"("last_minute":{"type":"integer"},"too_late":{"type":"integer"},"entities":{"type":"integer"},)"
           R"("alerts":{"type":"integer"},"alerts_suppressed":{"type":"integer"},"watermark":{"type":["string","null"]},)"
           R"("live_scoring":{"type":"object","properties":{"model_id":{"type":["integer","null"]},)"
           R"("state":{"type":"string"},"rescored":{"type":"integer"},"rows_written":{"type":"integer"},)"
           R"("tier_changes":{"type":"integer"},"tier_alerts_suppressed":{"type":"integer"},)"
           R"("skipped_no_model":{"type":"integer"},"skipped_closed":{"type":"integer"},)"
           R"("errors":{"type":"integer"}}}}})"});

  router.add(
      Method::kGet, "/api/v1/event-types",
      [&ingestor](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kRead, auth::Resource::kEvent); !a)
          return a.error();
        auto custom = ingestor.catalog().custom_types();
        if (!custom) return custom.error();
        array items;
        auto types = ingestor.types();
        for (size_t id = 0; id < ingest::kBuiltinTypeCount; ++id)
          items.push_back(object{{"name", types->name(static_cast<ingest::EventTypeId>(id))},
                                 {"builtin", true},
                                 {"description", ""},
                                 {"created_at", nullptr}});
        for (const auto& t : *custom)
          items.push_back(object{{"name", t.name},
                                 {"builtin", false},
                                 {"description", t.description},
                                 {"created_at", format_timestamp(t.created_at)}});
        return Response::json(200, boost::json::serialize(object{{"items", std::move(items)}}));
      },
      {.summary = "The event types accepted: the eight built in, then those an admin registered",
       .tag = "events",
       .responses = {200},
       .response_schema =
           std::string(R"({"type":"object","properties":{"items":{"type":"array","items":)") +
           kEventTypeSchema + "}}}"});

  router.add(
      Method::kPost, "/api/v1/event-types",
      [&ingestor](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kCreate, auth::Resource::kSettings); !a)
          return a.error();
        auto body = parse_json_body(request);
        if (!body) return body.error();
        JsonFields f(*body);
        auto name = f.string("name", Presence::kRequired, ingest::kMaxEventTypeNameBytes);
        auto description =
            f.string("description", Presence::kOptional, store::kMaxEventTypeDescriptionBytes);
        if (auto s = f.finish(); !s) return s.error();
        auto made = ingestor.catalog().register_type(*name, description.value_or(""),
                                                     (*caller)->user_id, ingestor.clock().now());
        if (!made) return made.error();
        object out{{"name", made->name},
                   {"builtin", false},
                   {"description", made->description},
                   {"created_at", format_timestamp(made->created_at)}};
        Response r = Response::json(201, boost::json::serialize(out));
        r.headers.set("Location", "/api/v1/event-types");
        return r;
      },
      {.summary = "Register a custom event type (admin): a name [a-z][a-z0-9_]* of at most 32 "
                  "bytes, at most 64 types in all; events of it are accepted at once",
       .tag = "events",
       .responses = {201, 400, 409, 415},
       .request_schema =
           R"({"type":"object","required":["name"],"properties":{"name":{"type":"string"},)"
           R"("description":{"type":"string"}},"additionalProperties":false})",
       .response_schema = kEventTypeSchema});

  router.add(
      Method::kGet, "/api/v1/alerts",
      [&db, &ingestor](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kRead, auth::Resource::kEvent); !a)
          return a.error();
        auto page = page_params(request, ingestor, store::kMaxAlertListLimit);
        if (!page) return page.error();
        store::AlertFilter filter;
        filter.kind = std::string(request.query_param("kind").value_or(""));
        if (filter.kind.size() > 32) return Error::invalid("kind is too long", "kind");
        filter.entity = std::move(page->entity);
        filter.from = page->from;
        filter.to = page->to;
        filter.limit = page->limit;
        filter.before_id = page->cursor;
        auto alerts = store::AlertStore(db).list(filter);
        if (!alerts) return alerts.error();
        array items;
        for (const auto& a : *alerts) items.push_back(stream::alert_to_json(a));
        return page_response(std::move(items), filter.limit,
                             alerts->empty() ? 0 : alerts->back().id);
      },
      {.summary = "What the stream flagged, newest first: anomalies per entity and for the whole "
                  "stream (expected, seen, sigma, gamma) and lead tier changes",
       .tag = "events",
       .responses = {200, 400},
       .response_schema =
           R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object"}},)"
           R"("next_cursor":{"type":["string","null"]}}})",
       .query = {"kind", "entity", "from", "to", "limit", "cursor"}});
}

}  // namespace icrm::api
