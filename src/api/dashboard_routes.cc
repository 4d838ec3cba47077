#include "api/dashboard_routes.h"

#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>
#include <string>

#include "api/limits.h"
#include "api/resource_routes.h"
#include "store/dashboard_store.h"

namespace icrm::api {
namespace {

using boost::json::object;

// A date YYYY-MM-DD that exists in the calendar, or an error naming `field`.
Result<std::optional<std::string>> date_param(const Request& request, std::string_view field) {
  auto text = request.query_param(field);
  if (!text || text->empty()) return std::optional<std::string>{};
  auto bad = [&] {
    return Error::invalid(std::string(field) + " must be a date YYYY-MM-DD", std::string(field));
  };
  if (text->size() != 10 || (*text)[4] != '-' || (*text)[7] != '-') return bad();
  int y = 0;
  unsigned m = 0, d = 0;
  auto p = text->data();
  if (std::from_chars(p, p + 4, y).ptr != p + 4 || std::from_chars(p + 5, p + 7, m).ptr != p + 7 ||
      std::from_chars(p + 8, p + 10, d).ptr != p + 10)
    return bad();
  if (!std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}
           .ok())
    return bad();
  return std::optional<std::string>{std::string(*text)};
}

Result<std::optional<int64_t>> integer_param(const Request& request, std::string_view field,
                                             int64_t min, int64_t max) {
  auto text = request.query_param(field);
  if (!text || text->empty()) return std::optional<int64_t>{};
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < min || v > max)
    return Error::invalid(std::string(field) + " must be an integer from " + std::to_string(min) +
                              " to " + std::to_string(max),
                          std::string(field));
  return std::optional<int64_t>{v};
}

std::optional<std::string> text_param(const Request& request, std::string_view field) {
  auto text = request.query_param(field);
  if (!text || text->empty()) return std::nullopt;
  return std::string(*text);
}

// Whose leads the caller's figures may cover: everyone's, or their own plus
// unassigned ones (a rep).
Result<std::optional<int64_t>> lead_scope(const Caller& caller) {
  switch (auth::list_scope(caller.role, auth::Resource::kLead)) {
    case auth::ListScope::kAll:
      return std::optional<int64_t>{};
    case auth::ListScope::kOwnAndUnassigned:
      return std::optional<int64_t>{caller.user_id};
    default:
      return Error::permission_denied("this role may not list leads");
  }
}

constexpr const char* kKpiSchema =
    R"({"type":"object","properties":{"from":{"type":["string","null"]},"to":{"type":["string","null"]},)"
    R"("leads_by_status":{"type":"object"},"leads_created":{"type":"integer"},)"
    R"("conversion_by_month":{"type":"array","items":{"type":"object","properties":{"month":{"type":"string"},"created":{"type":"integer"},"converted":{"type":"integer"}}}},)"
    R"("conversion_by_source":{"type":"array","items":{"type":"object","properties":{"source":{"type":"string"},"created":{"type":"integer"},"converted":{"type":"integer"}}}},)"
    R"("revenue_by_month":{"type":"array","items":{"type":"object","properties":{"month":{"type":"string"},"currency":{"type":"string"},"amount_minor":{"type":"integer"},"lines":{"type":"integer"}}}},)"
    R"("customers_by_status":{"type":"object"},"answered_messages":{"type":"integer"},)"
    R"("mean_response_seconds":{"type":["number","null"]},)"
    R"("response_by_month":{"type":"array","items":{"type":"object","properties":{)"
    R"("month":{"type":"string"},"answered":{"type":"integer"},"mean_response_seconds":{"type":"number"}}}},)"
    R"("score_distribution":{"type":"array","items":{"type":"object","properties":{"lower":{"type":"number"},"upper":{"type":"number"},"count":{"type":"integer"}}}},)"
    R"("leads_by_tier":{"type":"object"},"scored_leads":{"type":"integer"}}})";

constexpr const char* kRankedSchema =
    R"({"type":"object","properties":{"total":{"type":"integer"},"limit":{"type":"integer"},"offset":{"type":"integer"},)"
    R"("items":{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"},)"
    R"("email":{"type":["string","null"]},"company":{"type":["string","null"]},"source":{"type":["string","null"]},)"
    R"("status":{"type":"string"},"owner_id":{"type":["integer","null"]},"expected_value_minor":{"type":["integer","null"]},)"
    R"("currency":{"type":"string"},"created_at":{"type":"string"},"updated_at":{"type":"string"},)"
    R"("last_activity_at":{"type":["string","null"],"description":"the lead's latest message or completed activity"},)"
    R"("score":{"type":["object","null"],"properties":{"probability":{"type":"number"},"score":{"type":"number"},)"
    R"("rank":{"type":"integer"},"tier":{"enum":["hot","warm","cold"]},"factors":{"type":"array"},"scored_at":{"type":"string"}}}}}}}})";

}  // namespace

void add_dashboard_routes(Router& router, store::Database& db) {
  router.add(
      Method::kGet, "/api/v1/kpis",
      [&db](const Request& request) -> Result<Response> {
        auto caller = caller_allowed(request, auth::Action::kRead, auth::Resource::kLead);
        if (!caller) return caller.error();
        store::KpiQuery q;
        auto from = date_param(request, "from");
        if (!from) return from.error();
        auto to = date_param(request, "to");
        if (!to) return to.error();
        if (*from && *to && **to <= **from) return Error::invalid("to must be after from", "to");
        q.from = *from;
        q.to = *to;
        auto scope = lead_scope(**caller);
        if (!scope) return scope.error();
        q.visible_to_owner = *scope;
        auto kpis = store::DashboardStore(db).kpis(q);
        if (!kpis) return kpis.error();
        object out = store::to_json(*kpis);
        out["from"] = q.from ? boost::json::value(*q.from) : nullptr;
        out["to"] = q.to ? boost::json::value(*q.to) : nullptr;
        return Response::json(200, boost::json::serialize(out));
      },
      {.summary = "The Overview's figures over [from, to): leads by status, conversion rate by "
                  "month and source, revenue by month, customers by status, mean response time "
                  "(overall and per month), "
                  "and the latest scores' distribution (a rep's lead figures cover their own and "
                  "unassigned leads)",
       .tag = "dashboard",
       .responses = {200, 400},
       .response_schema = kKpiSchema,
       .query = {"from", "to"}});

  router.add(
      Method::kGet, "/api/v1/lead-ranking",
      [&db](const Request& request) -> Result<Response> {
        auto caller = caller_allowed(request, auth::Action::kRead, auth::Resource::kLead);
        if (!caller) return caller.error();
        store::RankedLeadQuery q;
        auto limit = integer_param(request, "limit", 1, store::kMaxRankedLeadsPage);
        if (!limit) return limit.error();
        auto offset = integer_param(request, "offset", 0, int64_t{1} << 40);
        if (!offset) return offset.error();
        auto owner = integer_param(request, "owner_id", 1, INT64_MAX);
        if (!owner) return owner.error();
        q.limit = limit->value_or(q.limit);
        q.offset = offset->value_or(0);
        q.owner_id = *owner;
        q.status = text_param(request, "status");
        q.tier = text_param(request, "tier");
        q.source = text_param(request, "source");
        q.q = text_param(request, "q").value_or("");
        if (q.q.size() > kMaxStringFieldBytes)
          return Error::invalid(
              "q is longer than " + std::to_string(kMaxStringFieldBytes) + " bytes", "q");
        auto scope = lead_scope(**caller);
        if (!scope) return scope.error();
        q.visible_to_owner = *scope;
        auto ranked = store::DashboardStore(db).ranked_leads(q);
        if (!ranked) return ranked.error();
        boost::json::array items;
        for (const auto& l : ranked->items) items.push_back(store::to_json(l));
        object out{{"items", std::move(items)},
                   {"total", ranked->total},
                   {"limit", q.limit},
                   {"offset", q.offset}};
        return Response::json(200, boost::json::serialize(out));
      },
      {.summary = "Leads with their latest score, most promising first (unscored leads after "
                  "the scored ones), filtered and paged by offset, with the total",
       .tag = "dashboard",
       .responses = {200, 400},
       .response_schema = kRankedSchema,
       .query = {"limit", "offset", "status", "tier", "source", "owner_id", "q"}});
}

}  // namespace icrm::api
