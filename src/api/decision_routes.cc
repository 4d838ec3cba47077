#include "api/decision_routes.h"

#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/json_body.h"
#include "api/lead_access.h"
#include "api/resource_routes.h"
#include "store/activity_store.h"
#include "store/audit_log.h"
#include "store/decision_store.h"
#include "store/lead_store.h"

namespace icrm::api {
namespace {

using auth::Action;
using auth::Resource;
using boost::json::object;

constexpr const char* kDecisionSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"lead_id":{"type":"integer"},)"
    R"("model_id":{"type":["integer","null"]},"score":{"type":"number"},"probability":{"type":"number"},)"
    R"("tier":{"enum":["high","medium","low"]},)"
    R"("thresholds":{"type":"object","properties":{"theta":{"type":"number"},"theta1":{"type":"number"},"mode":{"enum":["admin","capacity","utility"]}}},)"
    R"("deal_value":{"type":"number"},)"
    R"("utility":{"type":"object","properties":{"call":{"type":"number"},"email":{"type":"number"},"offer":{"type":"number"},"nurture":{"type":"number"}}},)"
    R"("action":{"enum":["call","email","offer","nurture"]},"propensity":{"type":"number"},)"
    R"("probabilities":{"type":"object"},"policy":{"enum":["bandit","utility"]},"bandit_version":{"type":"integer"},)"
    R"("context":{"type":"object","description":"what the bandit saw: the design vector's names (logit_p, tier_high, tier_medium, tier_low, then the lead's features in LeadFeatureSpec order: source_web … quiet_30d) and its values x in that order, and the deal value","properties":{"names":{"type":"array","items":{"type":"string"}},"x":{"type":"array","items":{"type":"number"}},"value":{"type":"number"}}},)"
    R"("why":{"type":"string"},"triggered_by":{"enum":["on_demand","batch","score_event"]},)"
    R"("activity_id":{"type":["integer","null"]},"created_at":{"type":"string"},)"
    R"("accepted_at":{"type":["string","null"]},"rejected_at":{"type":["string","null"]},"reject_reason":{"type":["string","null"]},)"
    R"("outcome":{"enum":["converted","engaged","rejected","no_conversion",null]},"reward":{"type":["number","null"]},)"
    R"("outcome_at":{"type":["string","null"]},"outcome_source":{"type":["string","null"]}}})";

constexpr const char* kOutcomeBody =
    R"({"type":"object","required":["outcome"],"additionalProperties":false,"properties":{)"
    R"("outcome":{"enum":["converted","engaged","rejected","no_conversion"]},"reward":{"type":"number","minimum":0,"maximum":1}}})";

constexpr const char* kRejectBody =
    R"({"type":"object","required":["reason"],"additionalProperties":false,"properties":{"reason":{"type":"string","minLength":1,"maxLength":1000}}})";

constexpr const char* kSettingsSchema =
    R"({"type":"object","properties":{"mode":{"enum":["admin","capacity","utility"]},)"
    R"("theta":{"type":"number","minimum":0,"maximum":1},"theta1":{"type":"number","minimum":0,"maximum":1},)"
    R"("calls_per_rep_per_day":{"type":"integer","minimum":0,"maximum":1000},)"
    R"("follow_ups_per_rep_per_day":{"type":"integer","minimum":0,"maximum":1000},)"
    R"("value_source":{"enum":["expected_value","average_won"]},"default_value":{"type":"number","minimum":0,"maximum":1e12},)"
    R"("costs":{"type":"object","properties":{"call":{"type":"number"},"email":{"type":"number"},"offer":{"type":"number"},"nurture":{"type":"number"}}},)"
    R"("service_hours":{"type":"object","properties":{"high":{"type":"number"},"medium":{"type":"number"},"low":{"type":"number"}}},)"
    R"("workday":{"type":"object","properties":{"start_hour":{"type":"integer"},"end_hour":{"type":"integer"}}},)"
    R"("horizon_days":{"type":"integer","minimum":1,"maximum":365},"exploration":{"type":"number","minimum":0.01,"maximum":1}}})";

constexpr const char* kKpiSchema =
    R"({"type":"object","properties":{"from":{"type":["string","null"]},"to":{"type":["string","null"]},)"
    R"("next_steps":{"type":"object","properties":{"automatic":{"type":"integer"},"manual":{"type":"integer"},"automatic_share":{"type":["number","null"]}}},)"
    R"("decisions":{"type":"integer"},)"
    R"("first_touch":{"type":"object","properties":{"touched":{"type":"integer"},"mean_seconds":{"type":["number","null"]},"median_seconds":{"type":["number","null"]}}},)"
    R"("conversion_by_tier":{"type":"array","items":{"type":"object","properties":{"tier":{"type":"string"},"decisions":{"type":"integer"},"converted":{"type":"integer"},"rate":{"type":["number","null"]}}}}}})";

Result<std::optional<Timestamp>> time_query(const Request& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<Timestamp>();
  auto t = parse_timestamp(*text, /*assume_utc=*/false);
  if (!t)
    return Error::invalid(std::string(name) + " must be an ISO-8601 time with a zone",
                          std::string(name));
  return std::optional<Timestamp>(*t);
}

Result<std::optional<int64_t>> positive_query(const Request& request, std::string_view name,
                                              int64_t max) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < 1 || n > max) {
    return Error::invalid(
        std::string(name) + " must be an integer from 1 to " + std::to_string(max),
        std::string(name));
  }
  return std::optional<int64_t>(n);
}

// Whose leads' decisions the caller may see: all, or their own and unassigned.
Result<std::optional<int64_t>> decision_scope(const Caller& caller) {
  switch (auth::list_scope(caller.role, Resource::kLead)) {
    case auth::ListScope::kAll:
      return std::optional<int64_t>();
    case auth::ListScope::kOwnAndUnassigned:
    case auth::ListScope::kOwn:
      return std::optional<int64_t>(caller.user_id);
    case auth::ListScope::kNone:
      break;
  }
  return Error::permission_denied("this role may not read leads");
}

// The lead, when the caller may see it (404 as if absent otherwise), and the
// caller allowed `action` on it.
Result<store::Lead> lead_for(const Request& request, store::Database& db, const Clock& clock,
                             int64_t lead_id, Action action) {
  auto caller = caller_allowed_any(request, Action::kRead, Resource::kLead);
  if (!caller) return caller.error();
  store::LeadStore leads(db, clock);
  return action == Action::kRead ? visible_lead(**caller, leads, lead_id)
                                 : writable_lead(**caller, leads, lead_id, action);
}

// The decision, when the caller may see its lead, checked for `action` on the lead.
Result<store::DecisionRecord> decision_for(const Request& request, store::Database& db,
                                           const Clock& clock, Action action) {
  auto id = id_param(request);
  if (!id) return id.error();
  auto caller = caller_allowed_any(request, Action::kRead, Resource::kLead);
  if (!caller) return caller.error();
  auto d = store::DecisionStore(db).get(*id);
  if (!d) return d.error();
  auto lead = lead_for(request, db, clock, d->lead_id, action);
  if (!lead) {
    if (lead.error().code == ErrorCode::kNotFound)
      return Error::not_found("no decision with id " + std::to_string(*id));
    return lead.error();
  }
  return d;
}

// A decision whose activity the caller may change (accept, reject, complete),
// and the caller as the actor who changes it.
struct StepRequest {
  store::DecisionRecord decision;
  store::Actor actor;
};
Result<StepRequest> decision_with_activity(const Request& request, store::Database& db,
                                           const Clock& clock) {
  auto d = decision_for(request, db, clock, Action::kRead);
  if (!d) return d.error();
  auto caller = caller_allowed_any(request, Action::kUpdate, Resource::kActivity);
  if (!caller) return caller.error();
  if (!d->activity_id) {
    return Error::conflict("decision " + std::to_string(d->id) + " created no activity",
                           "activity_id");
  }
  auto activity = store::ActivityStore(db, clock).get(*d->activity_id);
  if (!activity) return activity.error();
  auto allowed = caller_allowed(request, Action::kUpdate, Resource::kActivity,
                                ownership_for(**caller, activity->owner_id));
  if (!allowed) return allowed.error();
  return StepRequest{std::move(*d), actor_of(**caller)};
}

Response decision_response(int status, const store::DecisionRecord& d) {
  return Response::json(status, boost::json::serialize(store::to_json(d)));
}

Result<object> settings_body(app::DecisionService& service) {
  auto s = service.settings();
  if (!s) return s.error();
  auto t = service.thresholds(*s);
  if (!t) return t.error();
  object out = decide::to_json(*s);
  out["in_force"] = object{{"theta", t->thresholds.theta},
                           {"theta1", t->thresholds.theta1},
                           {"mode", decide::threshold_mode_name(t->mode)},
                           {"basis", t->basis}};
  return out;
}

}  // namespace

void add_decision_routes(Router& router, store::Database& db, const Clock& clock,
                         std::shared_ptr<app::DecisionService> service) {
  router.add(
      Method::kGet, "/api/v1/leads/{id}/decision",
      [&db, &clock](const Request& request) -> Result<Response> {
        auto id = id_param(request);
        if (!id) return id.error();
        auto lead = lead_for(request, db, clock, *id, Action::kRead);
        if (!lead) return lead.error();
        auto d = store::DecisionStore(db).latest_for_lead(*id);
        if (!d) return d.error();
        if (!*d) return Error::not_found("lead " + std::to_string(*id) + " has no decision yet");
        return decision_response(200, **d);
      },
      {.summary =
           "The lead's latest decision: its tier and why, the utility of each action, the action "
           "chosen with its propensity, and the activity it created",
       .tag = "decisions",
       .responses = {200, 400, 404},
       .response_schema = kDecisionSchema});

  router.add(
      Method::kPost, "/api/v1/leads/{id}/decision",
      [&db, &clock, service](const Request& request) -> Result<Response> {
        auto id = id_param(request);
        if (!id) return id.error();
        auto lead = lead_for(request, db, clock, *id, Action::kUpdate);
        if (!lead) return lead.error();
        auto d = service->decide(*id, decide::DecisionTrigger::kOnDemand);
        if (!d) return d.error();
        return decision_response(201, *d);
      },
      {.summary =
           "Decide the lead's next step now and create its activity (409 while one of its next "
           "steps is open, or when it is closed or not scored yet)",
       .tag = "decisions",
       .responses = {201, 400, 403, 404, 409},
       .response_schema = kDecisionSchema});

  router.add(
      Method::kGet, "/api/v1/decisions",
      [&db](const Request& request) -> Result<Response> {
        auto caller = caller_allowed(request, Action::kRead, Resource::kLead);
        if (!caller) return caller.error();
        store::DecisionFilter f;
        auto scope = decision_scope(**caller);
        if (!scope) return scope.error();
        f.owner_id = *scope;
        auto limit = positive_query(request, "limit", store::kMaxDecisionListLimit);
        if (!limit) return limit.error();
        f.limit = static_cast<size_t>(limit->value_or(kDefaultDecisionPage));
        auto cursor = positive_query(request, "cursor", INT64_MAX);
        if (!cursor) return cursor.error();
        f.before_id = cursor->value_or(0);
        auto lead = positive_query(request, "lead_id", INT64_MAX);
        if (!lead) return lead.error();
        f.lead_id = *lead;
        auto from = time_query(request, "from");
        if (!from) return from.error();
        auto to = time_query(request, "to");
        if (!to) return to.error();
        f.from = *from;
        f.to = *to;
        auto one_of = [&](std::string_view name, std::initializer_list<std::string_view> allowed,
                          std::string& out) -> Status {
          auto text = request.query_param(name);
          if (!text || text->empty()) return {};
          for (auto a : allowed) {
            if (*text == a) {
              out = std::string(a);
              return {};
            }
          }
          std::string list;
          for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
          return Error::invalid(std::string(name) + " is one of " + list, std::string(name));
        };
        for (Status st :
             {one_of("action", {"call", "email", "offer", "nurture"}, f.action),
              one_of("tier", {"high", "medium", "low"}, f.tier),
              one_of("outcome",
                     {"pending", "known", "converted", "engaged", "rejected", "no_conversion"},
                     f.outcome)}) {
          if (!st) return st.error();
        }
        auto page = store::DecisionStore(db).list(f);
        if (!page) return page.error();
        boost::json::array items;
        for (const auto& d : *page) items.push_back(store::to_json(d));
        object out{{"items", std::move(items)}};
        out["next_cursor"] = page->size() == f.limit && !page->empty()
                                 ? boost::json::value(std::to_string(page->back().id))
                                 : boost::json::value(nullptr);
        return Response::json(200, boost::json::serialize(out));
      },
      {.summary = "The decision log, newest first (a rep sees decisions on their own and "
                  "unassigned leads)",
       .tag = "decisions",
       .responses = {200, 400},
       .response_schema =
           std::string(R"({"type":"object","properties":{"items":{"type":"array","items":)") +
           kDecisionSchema + R"(},"next_cursor":{"type":["string","null"]}}})",
       .query = {"limit", "cursor", "lead_id", "action", "tier", "outcome", "from", "to"}});

  router.add(
      Method::kGet, "/api/v1/decisions/kpis",
      [&db](const Request& request) -> Result<Response> {
        auto caller = caller_allowed(request, Action::kRead, Resource::kLead);
        if (!caller) return caller.error();
        auto scope = decision_scope(**caller);
        if (!scope) return scope.error();
        auto from = time_query(request, "from");
        if (!from) return from.error();
        auto to = time_query(request, "to");
        if (!to) return to.error();
        if (*from && *to && **to <= **from) return Error::invalid("to must be after from", "to");
        auto k = store::DecisionStore(db).kpis(*from, *to, *scope);
        if (!k) return k.error();
        auto opt = [](std::optional<double> v) {
          return v ? boost::json::value(*v) : boost::json::value(nullptr);
        };
        int64_t steps = k->next_steps_automatic + k->next_steps_manual;
        boost::json::array tiers;
        for (const auto& t : k->conversion_by_tier) {
          tiers.push_back(
              object{{"tier", t.tier},
                     {"decisions", t.decisions},
                     {"converted", t.converted},
                     {"rate", t.decisions ? boost::json::value(double(t.converted) / t.decisions)
                                          : boost::json::value(nullptr)}});
        }
        object out{
            {"from", *from ? boost::json::value(format_timestamp(**from)) : nullptr},
            {"to", *to ? boost::json::value(format_timestamp(**to)) : nullptr},
            {"next_steps",
             object{{"automatic", k->next_steps_automatic},
                    {"manual", k->next_steps_manual},
                    {"automatic_share",
                     steps ? boost::json::value(double(k->next_steps_automatic) / steps)
                           : boost::json::value(nullptr)}}},
            {"decisions", k->decisions},
            {"first_touch", object{{"touched", k->touched},
                                   {"mean_seconds", opt(k->mean_seconds_to_first_touch)},
                                   {"median_seconds", opt(k->median_seconds_to_first_touch)}}},
            {"conversion_by_tier", std::move(tiers)}};
        return Response::json(200, boost::json::serialize(out));
      },
      {.summary = "Decision KPIs over [from, to): next steps created automatically vs by hand, "
                  "time from a "
                  "tier change to the first touch (a completed step or an outbound message), "
                  "conversion by tier",
       .tag = "decisions",
       .responses = {200, 400},
       .response_schema = kKpiSchema,
       .query = {"from", "to"}});

  router.add(Method::kGet, "/api/v1/decisions/{id}",
             [&db, &clock](const Request& request) -> Result<Response> {
               auto d = decision_for(request, db, clock, Action::kRead);
               if (!d) return d.error();
               return decision_response(200, *d);
             },
             {.summary = "One decision",
              .tag = "decisions",
              .responses = {200, 400, 404},
              .response_schema = kDecisionSchema});

  router.add(
      Method::kPost, "/api/v1/decisions/{id}/outcome",
      [&db, &clock, service](const Request& request) -> Result<Response> {
        auto d = decision_for(request, db, clock, Action::kUpdate);
        if (!d) return d.error();
        auto body = parse_json_body(request);
        if (!body) return body.error();
        JsonFields f(*body);
        auto outcome = f.one_of("outcome", Presence::kRequired,
                                {"converted", "engaged", "rejected", "no_conversion"});
        auto reward = f.number("reward", Presence::kOptional, 0, 1);
        if (auto st = f.finish(); !st) return st.error();
        auto stored =
            service->record_outcome(d->id, *decide::parse_outcome(*outcome), reward, "api");
        if (!stored) return stored.error();
        // Who said how it ended: the bandit learns from it, so it is audited.
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        auto audited = store::AuditLog(db, clock).append(
            actor_of(**caller), "outcome", "decisions", stored->id, nullptr,
            object{{"outcome", *stored->outcome},
                   {"reward", stored->reward ? boost::json::value(*stored->reward) : nullptr},
                   {"source", "api"}});
        if (!audited) return audited.error();
        return decision_response(200, *stored);
      },
      {.summary =
           "Record the decision's outcome (once; reward defaults to converted 1, engaged 0.5, "
           "rejected and no_conversion 0); the bandit learns from it",
       .tag = "decisions",
       .responses = {200, 400, 403, 404, 409},
       .request_schema = kOutcomeBody,
       .response_schema = kDecisionSchema});

  router.add(Method::kPost, "/api/v1/decisions/{id}/accept",
             [&db, &clock, service](const Request& request) -> Result<Response> {
               auto step = decision_with_activity(request, db, clock);
               if (!step) return step.error();
               auto stored = service->accept(step->actor, step->decision.id);
               if (!stored) return stored.error();
               return decision_response(200, *stored);
             },
             {.summary = "The rep takes the recommended step on (an outcome signal)",
              .tag = "decisions",
              .responses = {200, 400, 403, 404, 409},
              .response_schema = kDecisionSchema});

  router.add(
      Method::kPost, "/api/v1/decisions/{id}/reject",
      [&db, &clock, service](const Request& request) -> Result<Response> {
        auto step = decision_with_activity(request, db, clock);
        if (!step) return step.error();
        auto body = parse_json_body(request);
        if (!body) return body.error();
        JsonFields f(*body);
        auto reason = f.string("reason", Presence::kRequired, store::kMaxRejectReasonLength);
        if (reason && reason->empty()) f.fail("reason", "a rejection needs a reason");
        if (auto st = f.finish(); !st) return st.error();
        auto stored = service->reject(step->actor, step->decision.id, *reason);
        if (!stored) return stored.error();
        return decision_response(200, *stored);
      },
      {.summary =
           "The rep refuses the recommended step, with a reason: its activity is cancelled and the "
           "outcome is rejected",
       .tag = "decisions",
       .responses = {200, 400, 403, 404, 409},
       .request_schema = kRejectBody,
       .response_schema = kDecisionSchema});

  router.add(
      Method::kPost, "/api/v1/decisions/{id}/complete",
      [&db, &clock, service](const Request& request) -> Result<Response> {
        auto step = decision_with_activity(request, db, clock);
        if (!step) return step.error();
        auto stored = service->complete(step->actor, step->decision.id);
        if (!stored) return stored.error();
        return decision_response(200, *stored);
      },
      {.summary =
           "The recommended step was done: its activity is marked done; the outcome follows from "
           "the lead's response within the horizon",
       .tag = "decisions",
       .responses = {200, 400, 403, 404, 409},
       .response_schema = kDecisionSchema});

  router.add(Method::kGet, "/api/v1/settings/decisions",
             [service](const Request& request) -> Result<Response> {
               auto caller = caller_allowed(request, Action::kRead, Resource::kSettings);
               if (!caller) return caller.error();
               auto out = settings_body(*service);
               if (!out) return out.error();
               return Response::json(200, boost::json::serialize(*out));
             },
             {.summary = "The decision settings (admins), with the thresholds in force now",
              .tag = "decisions",
              .responses = {200, 403},
              .response_schema = kSettingsSchema});

  router.add(
      Method::kPut, "/api/v1/settings/decisions",
      [service](const Request& request) -> Result<Response> {
        auto caller = caller_allowed(request, Action::kUpdate, Resource::kSettings);
        if (!caller) return caller.error();
        auto body = parse_json_body(request);
        if (!body) return body.error();
        auto s = decide::settings_from_json(*body);
        if (!s) return s.error();
        if (auto st = service->save_settings(actor_of(**caller), *s); !st) return st.error();
        auto out = settings_body(*service);
        if (!out) return out.error();
        return Response::json(200, boost::json::serialize(*out));
      },
      {.summary =
           "Replace the decision settings (admins): fields left out take their defaults; every "
           "number has a limit, and an error names the field",
       .tag = "decisions",
       .responses = {200, 400, 403},
       .request_schema = kSettingsSchema,
       .response_schema = kSettingsSchema});
}

}  // namespace icrm::api
