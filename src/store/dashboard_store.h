// DashboardStore: the read-only aggregates the dashboard's front page shows
// and the lead list in rank order, each one query per figure so the numbers
// are computed by the database the records live in, the same SQL on both
// engines. Nothing here writes.
//
// Definitions (docs/architecture.md, "Dashboard figures"):
// - a period is [from, to) on the record's own time: leads by created_at,
//   sales by occurred_at, messages by occurred_at; an open end is unbounded;
// - conversion rate = leads now converted / leads created, per creation month
//   and per source;
// - revenue = sum of sale lines' amount_minor (returns are negative) per
//   month and currency;
// - retention = customers not churned / all customers (customers carry no
//   period: churn is a status, not an event);
// - response time = mean response_seconds of the answered messages, overall
//   and per month of the answer (occurred_at);
// - score distribution = the latest lead scores' probabilities in ten bins
//   of 0.1, and their tiers.
// `visible_to_owner` narrows the lead figures to that user's leads plus the
// unassigned ones (what a rep may list); customers and sales are not narrowed
// (every role reads them).
#pragma once

#include <array>
#include <boost/json/array.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace icrm::store {

// At most this many leads per ranked_leads() page.
inline constexpr int64_t kMaxRankedLeadsPage = 100;

struct KpiQuery {
  std::optional<std::string> from;  // inclusive, ISO-8601 (a date is enough)
  std::optional<std::string> to;    // exclusive
  std::optional<int64_t> visible_to_owner;
};

struct MonthConversion {
  std::string month;  // "2026-11"
  int64_t created = 0;
  int64_t converted = 0;
};
struct SourceConversion {
  std::string source;  // "(none)" for leads without one
  int64_t created = 0;
  int64_t converted = 0;
};
struct MonthRevenue {
  std::string month;
  std::string currency;
  int64_t amount_minor = 0;
  int64_t lines = 0;
};

struct MonthResponse {
  std::string month;
  int64_t answered = 0;
  double mean_seconds = 0;
};

struct Kpis {
  std::map<std::string, int64_t> leads_by_status;  // every status, 0 when none
  int64_t leads_created = 0;
  std::vector<MonthConversion> conversion_by_month;    // oldest first
  std::vector<SourceConversion> conversion_by_source;  // most leads first
  std::vector<MonthRevenue> revenue_by_month;          // oldest first, then currency
  std::map<std::string, int64_t> customers_by_status;  // every status, 0 when none
  int64_t answered_messages = 0;
  std::optional<double> mean_response_seconds;   // none when nothing was answered
  std::vector<MonthResponse> response_by_month;  // oldest first; months with answers only
  std::array<int64_t, 10> score_bins{};          // [0,0.1), ..., [0.9,1.0]
  std::map<std::string, int64_t> leads_by_tier;  // hot, warm, cold
  int64_t scored_leads = 0;
};

struct RankedLeadQuery {
  int64_t limit = 25;  // 1..kMaxRankedLeadsPage
  int64_t offset = 0;
  std::optional<std::string> status;
  std::optional<std::string> tier;
  std::optional<std::string> source;
  std::optional<int64_t> owner_id;
  std::string q;  // name, e-mail or company contains (case-insensitive)
  std::optional<int64_t> visible_to_owner;
};

// A lead's list fields with its latest score (absent when never scored).
struct RankedLead {
  int64_t id = 0;
  std::string name;
  std::optional<std::string> email, company, source;
  std::string status;
  std::optional<int64_t> owner_id;
  std::optional<int64_t> expected_value_minor;
  std::string currency;
  std::string created_at, updated_at;
  // The last time someone dealt with the lead: its latest message (either
  // direction) or completed activity; none when neither exists.
  std::optional<std::string> last_activity_at;
  struct Score {
    double probability = 0;
    double score = 0;
    int64_t rank = 0;
    std::string tier;
    boost::json::array factors;
    std::string scored_at;
  };
  std::optional<Score> score;
};

struct RankedLeads {
  std::vector<RankedLead> items;  // scored leads by rank, then the others by id
  int64_t total = 0;              // matching leads in all pages
};

boost::json::object to_json(const Kpis& k);
boost::json::object to_json(const RankedLead& l);

class DashboardStore {
 public:
  explicit DashboardStore(Database& db) : db_(db) {}

  Result<Kpis> kpis(const KpiQuery& query);
  // Errors: invalid limit, offset, status or tier, each naming its field.
  Result<RankedLeads> ranked_leads(const RankedLeadQuery& query);

 private:
  Database& db_;
};

}  // namespace icrm::store
