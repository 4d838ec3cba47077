#include "api/event_routes.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <future>
#include <optional>
#include <set>
#include <string>

#include "api/auth_middleware.h"
#include "api/json_body.h"
#include "api/lead_access.h"
#include "api/limits.h"
#include "api/problem.h"
#include "api/resource_routes.h"
#include "ingest/event.h"
#include "ingest/event_reader.h"
#include "store/alert_store.h"
#include "store/audit_log.h"
#include "store/customer_store.h"
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
  o["submitted_by"] = e.submitted_by ? boost::json::value(*e.submitted_by) : nullptr;
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

// A canonical entity key split: "lead:4" -> {"lead", 4}; id 0 for a visitor.
struct EntityRef {
  std::string_view kind;
  int64_t id = 0;
};
EntityRef split_entity(std::string_view canonical) {
  EntityRef ref{canonical.substr(0, canonical.find(':')), 0};
  if (ref.kind == "visitor") return ref;
  std::string_view digits = canonical.substr(ref.kind.size() + 1);
  std::from_chars(digits.data(), digits.data() + digits.size(), ref.id);
  return ref;
}

// Whether the caller sees the record an entity key names: a lead as
// visible_lead() decides; customers and visitors are seen by every reader.
Result<bool> entity_visible(const Caller& caller, app::EventIngestor& ingestor, store::Database& db,
                            std::string_view canonical) {
  EntityRef ref = split_entity(canonical);
  if (ref.kind != "lead") return true;
  store::LeadStore leads(db, ingestor.clock());
  auto lead = visible_lead(caller, leads, ref.id);
  if (lead) return true;
  if (lead.error().code == ErrorCode::kNotFound) return false;
  return lead.error();
}

// "lead:ext:17" -> "lead:4"; an invalid argument for a malformed or unknown
// reference, and for a lead the caller does not see (worded alike, so a
// hidden lead's id is not confirmed).
Result<std::string> canonical_entity(const Caller& caller, app::EventIngestor& ingestor,
                                     store::Database& db, std::string_view text) {
  std::string ref(text);
  if (auto s = ingest::check_entity_key(ref); !s)
    return Error::invalid(s.error().message, "entity");
  auto found = ingestor.resolve_entity(ref);
  if (!found) return found.error();
  Result<bool> seen = *found ? entity_visible(caller, ingestor, db, ref) : Result<bool>(false);
  if (!seen) return seen.error();
  if (!*seen) return Error::invalid("no such record: '" + std::string(text) + "'", "entity");
  return ref;
}

// Events are sent as their entity is written: naming a lead the caller does
// not see refuses the batch with 404, worded as for a record that does not
// exist (which such a caller also gets 404 for, so the two cannot be told
// apart); naming a record it sees but may not change (a rep's customer) with
// 403. Visitors belong to no record. Roles that see and change every lead and
// customer skip the lookups, and their unknown references stay rejections of
// single events in the 202.
Status check_event_subjects(const Caller& caller, app::EventIngestor& ingestor, store::Database& db,
                            const ingest::ParsedEvents& parsed) {
  using auth::Ownership;
  using auth::Resource;
  if (auth::list_scope(caller.role, Resource::kLead) == auth::ListScope::kAll &&
      auth::allowed(caller.role, auth::Action::kUpdate, Resource::kLead, Ownership::kOthers) &&
      auth::allowed(caller.role, auth::Action::kUpdate, Resource::kCustomer, Ownership::kOthers))
    return {};
  store::LeadStore leads(db, ingestor.clock());
  store::CustomerStore customers(db, ingestor.clock());
  std::set<std::string> checked;
  for (size_t i = 0; i < parsed.events.size(); ++i) {
    const std::string& given = parsed.events[i].entity;
    // A visitor is no record: the ingestor accepts or rejects it alone.
    if (split_entity(given).kind == "visitor" || !checked.insert(given).second) continue;
    auto located = [&](Error e) {
      e.message = "event " + std::to_string(parsed.positions[i]) + ": " + e.message;
      e.field = "entity";
      return e;
    };
    std::string ref = given;
    auto found = ingestor.resolve_entity(ref);
    if (!found) return found.error();
    if (!*found) return located(Error::not_found("no such record: '" + given + "'"));
    EntityRef subject = split_entity(ref);
    Status allowed;
    if (subject.kind == "lead") {
      auto lead = writable_lead(caller, leads, subject.id);
      if (!lead && lead.error().code == ErrorCode::kNotFound)
        return located(Error::not_found("no such record: '" + given + "'"));
      if (!lead) allowed = lead.error();
    } else if (subject.kind == "customer") {
      auto customer = customers.get(subject.id);
      if (!customer) return located(customer.error());
      allowed = authorize(caller, auth::Action::kUpdate, Resource::kCustomer,
                          ownership_for(caller, customer->owner_id));
    }
    if (!allowed) return located(allowed.error());
  }
  return {};
}

// The owner filter of the stream's lists: what list_scope() shows the caller.
std::optional<int64_t> stream_scope(const Caller& caller) {
  if (auth::list_scope(caller.role, auth::Resource::kEvent) == auth::ListScope::kAll)
    return std::nullopt;
  return caller.user_id;
}

// The filters and paging GET /events and GET /alerts share: entity (any
// reference form), from, to, limit (1..max_limit), cursor.
struct PageParams {
  std::string entity;
  std::optional<Timestamp> from, to;
  size_t limit = kDefaultPageSize;
  int64_t cursor = 0;
};

Result<PageParams> page_params(const Request& request, const Caller& caller,
                               app::EventIngestor& ingestor, store::Database& db,
                               size_t max_limit) {
  PageParams p;
  if (auto entity = request.query_param("entity")) {
    auto canonical = canonical_entity(caller, ingestor, db, *entity);
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
    R"("too_late":{"type":"boolean"},"submitted_by":{"type":["integer","null"]}}}},)"
    R"("next_cursor":{"type":["string","null"]}}})";
constexpr const char* kEventTypeSchema =
    R"({"type":"object","properties":{"name":{"type":"string"},"builtin":{"type":"boolean"},)"
    R"("description":{"type":"string"},"created_at":{"type":["string","null"]}}})";

}  // namespace

void add_event_routes(Router& router, store::Database& db, app::EventIngestor& ingestor,
                      const app::LiveScorer* scorer) {
  router.add(
      Method::kPost, "/api/v1/events",
      [&db, &ingestor](const Request& request) -> Result<Response> {
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
        if (auto s = check_event_subjects(**caller, ingestor, db, *parsed); !s) return s.error();
        std::promise<Result<app::IngestReport>> promise;
        auto answer = promise.get_future();
        ingestor.ingest(
            std::move(*parsed), std::move(types),
            [&promise](Result<app::IngestReport> r) { promise.set_value(std::move(r)); },
            (*caller)->user_id);
        auto report = answer.get();
        if (!report) return report.error();
        return Response::json(202, boost::json::serialize(report_to_json(*report)));
      },
      {.summary =
           "Send behaviour events (a JSON array, or NDJSON with Content-Type "
           "application/x-ndjson), at most 10,000 per request. 202 once the accepted ones "
           "are durable, with counts and, for each rejected event, its index, field and "
           "reason; duplicates (same id, or same content without an id) are not counted again. "
           "Each event is stored with the caller as submitted_by. Events are sent as their "
           "entity is written: a lead the caller may not see refuses the batch with 404, a "
           "record it sees but may not change (a sales rep's customer) with 403",
       .tag = "events",
       .responses = {202, 400, 403, 404, 413, 415, 429},
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
        auto page = page_params(request, **caller, ingestor, db, kMaxPageSize);
        if (!page) return page.error();
        store::EventFilter filter;
        filter.visible_to_owner = stream_scope(**caller);
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
                  "the next page. A sales rep sees the events about its own and unassigned "
                  "leads and about no lead (customers, visitors)",
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
      [&db, &ingestor](const Request& request) -> Result<Response> {
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
        // A settings change: audited (the catalog's own write is the type's row).
        auto audited =
            store::AuditLog(db, ingestor.clock())
                .append(actor_of(**caller), "create", "event_types", made->id, nullptr, out);
        if (!audited) return audited.error();
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
        auto page = page_params(request, **caller, ingestor, db, store::kMaxAlertListLimit);
        if (!page) return page.error();
        store::AlertFilter filter;
        filter.visible_to_owner = stream_scope(**caller);
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
                  "stream (expected, seen, sigma, gamma) and lead tier changes; a sales rep sees "
                  "those about its own and unassigned leads, about no lead and about the whole "
                  "stream",
       .tag = "events",
       .responses = {200, 400},
       .response_schema =
           R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object"}},)"
           R"("next_cursor":{"type":["string","null"]}}})",
       .query = {"kind", "entity", "from", "to", "limit", "cursor"}});
}

}  // namespace icrm::api
