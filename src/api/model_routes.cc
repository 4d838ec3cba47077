#include "api/model_routes.h"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <charconv>
#include <memory>

#include "api/api_router.h"
#include "api/auth_middleware.h"
#include "api/json_body.h"
#include "api/lead_access.h"
#include "api/resource_routes.h"
#include "features/record_table.h"
#include "store/customer_store.h"
#include "store/lead_store.h"
#include "store/model_registry.h"
#include "store/score_store.h"

namespace icrm::api {
namespace {

using boost::json::object;

// GET /leads/{id}/scores: rows per page at most (limit), kDefaultPageSize when not given.
constexpr size_t kMaxScoreHistoryPage = kMaxPageSize;

Result<int64_t> path_id(const Request& request) {
  auto text = request.path_param("id").value_or("");
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
    return Error::invalid("id must be a positive integer", "id");
  return id;
}

Response accepted(const store::ModelJob& job) {
  Response r = Response::json(202, boost::json::serialize(store::to_json(job)));
  r.headers.set("Location", "/api/v1/models/jobs/" + std::to_string(job.id));
  return r;
}

// How a score is told in words, per entity.
struct ScoreWording {
  std::string_view label;   // "lead" -> "Hot lead"; "churn risk" -> "Hot churn risk"
  std::string_view likely;  // "convert" | "churn"
  std::string_view among;   // "open leads" | "scored customers"
};
constexpr ScoreWording kLeadWording{"lead", "convert", "open leads"};
constexpr ScoreWording kChurnWording{"churn risk", "churn", "scored customers"};

// "Hot lead: 82 % likely to convert (rank 1 of the open leads). meetings_done is 1, ..."
std::string summary(const store::ScoreRecord& s, const ScoreWording& w) {
  std::string text =
      fmt::format("{}{} {}: {:.0f} % likely to {} (rank {} of the {}).",
                  char(std::toupper(static_cast<unsigned char>(s.tier[0]))), s.tier.substr(1),
                  w.label, s.probability * 100, w.likely, s.rank, w.among);
  for (const auto& f : s.factors)
    if (const auto* words = f.as_object().if_contains("words"))
      text += " " + std::string(words->as_string()) + ".";
  return text;
}

// A record's latest score with the model that gave it, in words; not_found
// with `unscored` when it has none.
Result<object> latest_score_json(store::Database& db, const Clock& clock, std::string_view entity,
                                 int64_t id, const ScoreWording& wording,
                                 const std::string& unscored) {
  auto score = store::ScoreStore(db).latest(entity, id);
  if (!score) return score.error();
  if (!*score) return Error::not_found(unscored);
  const store::ScoreRecord& s = **score;
  auto model = store::ModelRegistry(db, clock).get(s.model_id, /*with_bundle=*/false);
  if (!model) return model.error();
  return object{{"model", object{{"id", model->id},
                                 {"version", model->version},
                                 {"kind", model->kind},
                                 {"active", model->active}}},
                {"probability", s.probability},
                {"score", s.score},
                {"rank", s.rank},
                {"tier", s.tier},
                {"scored_at", format_timestamp(s.scored_at)},
                {"factors", s.factors},
                {"summary", summary(s, wording)}};
}

// The JSON Schema of latest_score_json() plus the record's id field.
std::string score_schema(std::string_view id_field) {
  return std::string(R"({"type":"object","properties":{")") + std::string(id_field) +
         R"(":{"type":"integer"},"model":{"type":"object"},)"
         R"("probability":{"type":"number"},"score":{"type":"number"},"rank":{"type":"integer"},)"
         R"("tier":{"enum":["hot","warm","cold"]},"scored_at":{"type":"string"},)"
         R"("factors":{"type":"array","items":{"type":"object","properties":{"column":{"type":"string"},)"
         R"("value":{"type":"string"},"contribution":{"type":"number"},"unit":{"type":"string"},)"
         R"("text":{"type":"string"},"words":{"type":"string"}}}},"summary":{"type":"string"}}})";
}

constexpr const char* kJobSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"entity":{"enum":["leads","customers"]},)"
    R"("target":{"type":"string"},"status":{"enum":["queued","running","succeeded","failed"]},)"
    R"("progress":{"type":["string","null"]},"model_id":{"type":["integer","null"]},)"
    R"("error":{"type":["string","null"]},"request":{"type":"object"},"created_at":{"type":"string"},)"
    R"("started_at":{"type":["string","null"]},"finished_at":{"type":["string","null"]}}})";
constexpr const char* kModelSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"entity":{"type":"string"},)"
    R"("target":{"type":"string"},"kind":{"type":"string"},"version":{"type":"integer"},)"
    R"("active":{"type":"boolean"},"created_at":{"type":"string"},"metrics":{"type":"object"},)"
    R"("feature_spec":{"type":"object"}}})";

}  // namespace

void add_model_routes(Router& router, const ApiContext& context) {
  add_model_routes(router, context.db, context.clock,
                   std::make_shared<app::ModelJobRunner>(context.db, context.clock));
}

void add_model_routes(Router& router, store::Database& db, const Clock& clock,
                      std::shared_ptr<app::ModelJobRunner> runner) {
  router.add(
      Method::kPost, "/api/v1/models/train",
      [runner](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kCreate, auth::Resource::kModel); !a)
          return a.error();
        auto body = parse_json_body(request);
        if (!body) return body.error();
        JsonFields f(*body);
        auto entity = f.one_of("entity", Presence::kRequired, {"leads", "customers"});
        auto target = f.string("target", Presence::kOptional, store::kMaxModelTargetLength);
        auto models_text = f.string("models", Presence::kOptional, 100);
        auto seed = f.integer("seed", Presence::kOptional, 0, 0xffffffffLL);
        auto split = f.number("split", Presence::kOptional, 0.05, 0.95);
        auto activate = f.boolean("activate", Presence::kOptional);
        if (entity && target && *target != features::default_target(*entity))
          f.fail("target", fmt::format("{} are trained for \"{}\"", *entity,
                                       features::default_target(*entity)));
        app::ModelJobRequest job;
        if (models_text && *models_text != "all") {
          job.train.models.clear();
          for (std::size_t start = 0; start <= models_text->size();) {
            auto comma = models_text->find(',', start);
            if (comma == std::string::npos) comma = models_text->size();
            std::string kind = models_text->substr(start, comma - start);
            if (!models::known_model_kinds().count(kind))
              f.fail("models", "unknown model \"" + kind + "\" (weighted, lr, gbdt, hybrid, all)");
            else
              job.train.models.push_back(kind);
            start = comma + 1;
          }
        }
        if (auto s = f.finish(); !s) return s.error();
        job.action = app::ModelJobRequest::Action::kTrain;
        job.entity = *entity;
        job.target = std::string(features::default_target(*entity));
        if (seed) job.train.seed = static_cast<std::uint64_t>(*seed);
        if (split) job.train.split = *split;
        job.activate = activate.value_or(false);
        job.actor = store::Actor::user((*caller)->user_id);
        auto submitted = runner->submit(std::move(job));
        if (!submitted) return submitted.error();
        return accepted(*submitted);
      },
      {.summary = "Train models on the CRM's leads (converted vs lost) or customers (churn) in the "
                  "background: 202 with a job to poll at its Location; the job ends with the "
                  "registered model version, and open records are scored with the active model",
       .tag = "models",
       .responses = {202, 400, 409, 415, 429},
       .request_schema =
           R"({"type":"object","required":["entity"],"properties":{"entity":{"enum":["leads","customers"]},)"
           R"("target":{"enum":["converted","churned"]},"models":{"type":"string","description":"all, or a comma-separated subset of weighted, lr, gbdt, hybrid"},)"
           R"("seed":{"type":"integer"},"split":{"type":"number"},"activate":{"type":"boolean"}},"additionalProperties":false})",
       .response_schema = kJobSchema});

  router.add(
      Method::kGet, "/api/v1/models/jobs/{id}",
      [&db, &clock](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kRead, auth::Resource::kModel); !a)
          return a.error();
        auto id = path_id(request);
        if (!id) return id.error();
        auto job = store::ModelJobStore(db, clock).get(*id);
        if (!job) return job.error();
        return Response::json(200, boost::json::serialize(store::to_json(*job)));
      },
      {.summary = "A training or scoring job: queued, running (with progress), succeeded (with "
                  "the model) or failed (with the reason)",
       .tag = "models",
       .responses = {200, 400, 404},
       .response_schema = kJobSchema});

  router.add(
      Method::kGet, "/api/v1/models",
      [&db, &clock](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kRead, auth::Resource::kModel); !a)
          return a.error();
        std::string entity(request.query_param("entity").value_or(""));
        std::string target(request.query_param("target").value_or(""));
        if (!entity.empty() && !store::is_model_entity(entity))
          return Error::invalid("entity must be leads or customers", "entity");
        if (target.size() > store::kMaxModelTargetLength)
          return Error::invalid("target is too long", "target");
        auto models = store::ModelRegistry(db, clock).list(entity, target);
        if (!models) return models.error();
        boost::json::array items;
        for (const auto& m : *models) items.push_back(store::to_json(m));
        return Response::json(200, boost::json::serialize(object{{"items", std::move(items)}}));
      },
      {.summary = "Every registered model version, newest first, with its held-out metrics",
       .tag = "models",
       .responses = {200, 400},
       .response_schema =
           std::string(R"({"type":"object","properties":{"items":{"type":"array","items":)") +
           kModelSchema + "}}}",
       .query = {"entity", "target"}});

  router.add(
      Method::kPost, "/api/v1/models/{id}/activate",
      [&db, &clock, runner](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kUpdate, auth::Resource::kModel); !a)
          return a.error();
        auto id = path_id(request);
        if (!id) return id.error();
        auto model =
            store::ModelRegistry(db, clock).activate(store::Actor::user((*caller)->user_id), *id);
        if (!model) return model.error();
        // Its scores replace the previous version's as soon as the job has run.
        app::ModelJobRequest job;
        job.action = app::ModelJobRequest::Action::kScore;
        job.entity = model->entity;
        job.target = model->target;
        job.actor = store::Actor::user((*caller)->user_id);
        auto scoring = runner->submit(std::move(job));
        if (!scoring) return scoring.error();
        object out{{"model", store::to_json(*model)}, {"scoring_job", store::to_json(*scoring)}};
        return Response::json(200, boost::json::serialize(out));
      },
      {.summary = "Make this version the one that scores its records (the previous one steps "
                  "down); starts a job that re-scores every open record with it",
       .tag = "models",
       .responses = {200, 400, 404, 429},
       .response_schema = std::string(R"({"type":"object","properties":{"model":)") + kModelSchema +
                          R"(,"scoring_job":)" + kJobSchema + "}}"});

  router.add(
      Method::kGet, "/api/v1/leads/{id}/explanation",
      [&db, &clock](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        auto id = path_id(request);
        if (!id) return id.error();
        if (auto a = authorize(**caller, auth::Action::kRead, auth::Resource::kLead); !a)
          return a.error();
        store::LeadStore leads(db, clock);
        // Someone else's lead is hidden from a rep, as GET /leads/{id} hides it.
        if (auto lead = visible_lead(**caller, leads, *id); !lead) return lead.error();
        auto out = latest_score_json(
            db, clock, "leads", *id, kLeadWording,
            fmt::format("lead {} has no score yet: only open leads are scored, after a model is "
                        "trained (POST /api/v1/models/train)",
                        *id));
        if (!out) return out.error();
        out->emplace("lead_id", *id);
        return Response::json(200, boost::json::serialize(*out));
      },
      {.summary = "Why a lead scores as it does: its latest score, tier and rank, and the top "
                  "factors in words",
       .tag = "models",
       .responses = {200, 400, 404},
       .response_schema = score_schema("lead_id")});

  router.add(
      Method::kGet, "/api/v1/customers/{id}/churn-risk",
      [&db, &clock](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        auto id = path_id(request);
        if (!id) return id.error();
        if (auto a = authorize(**caller, auth::Action::kRead, auth::Resource::kCustomer); !a)
          return a.error();
        auto customer = store::CustomerStore(db, clock).get(*id);
        if (!customer) return customer.error();
        if (!visible_to(**caller, auth::Resource::kCustomer, customer->owner_id))
          return Error::not_found("no customer with id " + std::to_string(*id));
        auto out = latest_score_json(
            db, clock, "customers", *id, kChurnWording,
            fmt::format("customer {} has no churn score yet: only customers who have not churned "
                        "are scored, after a customer model is trained (POST /api/v1/models/train "
                        "with entity customers)",
                        *id));
        if (!out) return out.error();
        out->emplace("customer_id", *id);
        return Response::json(200, boost::json::serialize(*out));
      },
      {.summary = "A customer's churn risk: their latest churn score, its tier and rank, the "
                  "model that gave it, and the top factors in words",
       .tag = "models",
       .responses = {200, 400, 404},
       .response_schema = score_schema("customer_id")});

  router.add(
      Method::kGet, "/api/v1/leads/{id}/scores",
      [&db, &clock](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        auto id = path_id(request);
        if (!id) return id.error();
        auto limit = positive_param(request, "limit", static_cast<int64_t>(kMaxScoreHistoryPage));
        if (!limit) return limit.error();
        auto cursor = positive_param(request, "cursor", INT64_MAX);
        if (!cursor) return cursor.error();
        if (auto a = authorize(**caller, auth::Action::kRead, auth::Resource::kLead); !a)
          return a.error();
        store::LeadStore leads(db, clock);
        if (auto lead = visible_lead(**caller, leads, *id); !lead) return lead.error();
        const size_t page = *limit > 0 ? static_cast<size_t>(*limit) : kDefaultPageSize;
        auto scores = store::ScoreStore(db).history("leads", *id, page, *cursor);
        if (!scores) return scores.error();
        boost::json::array items;
        for (const auto& s : *scores) {
          object o{{"id", s.id},
                   {"model_id", s.model_id},
                   {"probability", s.probability},
                   {"score", s.score},
                   {"rank", s.rank},
                   {"tier", s.tier},
                   {"scored_at", format_timestamp(s.scored_at)}};
          items.push_back(std::move(o));
        }
        bool full = scores->size() == page;
        return page_response(std::move(items), full ? std::to_string(scores->back().id) : "");
      },
      {.summary = "A lead's score history, newest first (batch runs and live re-scoring as "
                  "events arrive), for its chart; limit and cursor page it",
       .tag = "models",
       .responses = {200, 400, 404},
       .response_schema = page_schema(
           R"({"type":"object","properties":{"id":{"type":"integer"},"model_id":{"type":"integer"},)"
           R"("probability":{"type":"number"},"score":{"type":"number"},"rank":{"type":"integer"},)"
           R"("tier":{"enum":["hot","warm","cold"]},"scored_at":{"type":"string"}}})"),
       .query = {"limit", "cursor"}});
}

}  // namespace icrm::api
