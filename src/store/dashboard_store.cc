#include "store/dashboard_store.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>
#include <initializer_list>
#include <string>

#include "store/records.h"
#include "store/sql_support.h"

namespace icrm::store {
namespace {

using boost::json::object;

// WHERE clauses joined by AND, with their parameters in placeholder order.
class Conditions {
 public:
  // Each "?" in `sql` stands for the next of `values`, in order.
  void add(const std::string& sql, std::initializer_list<SqlValue> values = {}) {
    std::string clause;
    auto value = values.begin();
    for (char ch : sql) {
      if (ch != '?') {
        clause += ch;
        continue;
      }
      clause += ":p" + std::to_string(params_.size());
      params_.push_back(*value++);
    }
    clauses_.push_back(std::move(clause));
  }
  void add(const std::string& sql, SqlValue value) { add(sql, {std::move(value)}); }
  void add_visible_to(const std::optional<int64_t>& owner) {
    if (!owner) return;
    add("(l.owner_id = ? OR l.owner_id IS NULL)", SqlValue::of(*owner));
  }
  void add_period(const std::string& column, const KpiQuery& q) {
    if (q.from) add(column + " >= ?", SqlValue::of(*q.from));
    if (q.to) add(column + " < ?", SqlValue::of(*q.to));
  }
  // The same for a column of microseconds since the epoch, with the bounds
  // already converted (micros_bound).
  void add_period_micros(const std::string& column, std::optional<int64_t> from,
                         std::optional<int64_t> to) {
    if (from) add(column + " >= ?", SqlValue::of(*from));
    if (to) add(column + " < ?", SqlValue::of(*to));
  }
  std::string where() const {
    std::string out;
    for (const auto& c : clauses_) out += (out.empty() ? " WHERE " : " AND ") + c;
    return out;
  }
  const SqlParams& params() const { return params_; }
  size_t size() const { return params_.size(); }

 private:
  std::vector<std::string> clauses_;
  SqlParams params_;
};

// A period bound of KpiQuery as microseconds since the epoch.
Result<std::optional<int64_t>> micros_bound(const std::optional<std::string>& text,
                                            const char* field) {
  if (!text) return std::optional<int64_t>();
  auto t = parse_timestamp(*text);
  if (!t) return Error::invalid(std::string(field) + ": " + t.error().message, field);
  return std::optional<int64_t>(to_unix_micros(*t));
}

// "2026-11": the UTC month of a column of microseconds since the epoch
// (transactions.occurred_us), as substr(text, 1, 7) gives it of a time text.
std::string month_of_micros(const std::string& column, Engine engine) {
  if (engine == Engine::kSqlite) {
    // Whole seconds rounded down (also before 1970), then SQLite's calendar.
    return "strftime('%Y-%m', (" + column + " - ((" + column +
           " % 1000000) + 1000000) % 1000000) / 1000000, " + "'unixepoch')";
  }
  return "to_char(to_timestamp(floor(" + column + " / 1000000.0)) AT TIME ZONE 'UTC', 'YYYY-MM')";
}

constexpr const char* kConvertedCount = "SUM(CASE WHEN l.status = 'converted' THEN 1 ELSE 0 END)";

}  // namespace

Result<Kpis> DashboardStore::kpis(const KpiQuery& query) {
  return with_connection(
      db_, "reading the dashboard figures", [&](soci::session& s) -> Result<Kpis> {
        Kpis k;
        for (auto st : {LeadStatus::kNew, LeadStatus::kContacted, LeadStatus::kQualified,
                        LeadStatus::kConverted, LeadStatus::kLost})
          k.leads_by_status[std::string(to_string(st))] = 0;
        for (auto st :
             {CustomerStatus::kActive, CustomerStatus::kInactive, CustomerStatus::kChurned})
          k.customers_by_status[std::string(to_string(st))] = 0;
        for (auto tier : {"hot", "warm", "cold"}) k.leads_by_tier[tier] = 0;

        Conditions leads;
        leads.add_period("l.created_at", query);
        leads.add_visible_to(query.visible_to_owner);
        for (const auto& r : query_rows(
                 s, "SELECT l.status, COUNT(*) FROM leads l" + leads.where() + " GROUP BY l.status",
                 leads.params(), 2)) {
          k.leads_by_status[cell_text(r[0])] = cell_int(r[1]);
          k.leads_created += cell_int(r[1]);
        }
        for (const auto& r :
             query_rows(s,
                        std::string("SELECT substr(l.created_at, 1, 7), COUNT(*), ") +
                            kConvertedCount + " FROM leads l" + leads.where() +
                            " GROUP BY substr(l.created_at, 1, 7) ORDER BY 1",
                        leads.params(), 3)) {
          k.conversion_by_month.push_back({cell_text(r[0]), cell_int(r[1]), cell_int(r[2])});
        }
        for (const auto& r :
             query_rows(s,
                        std::string("SELECT COALESCE(l.source, '(none)'), COUNT(*), ") +
                            kConvertedCount + " FROM leads l" + leads.where() +
                            " GROUP BY COALESCE(l.source, '(none)') ORDER BY 2 DESC, 1",
                        leads.params(), 3)) {
          k.conversion_by_source.push_back({cell_text(r[0]), cell_int(r[1]), cell_int(r[2])});
        }

        Conditions sales;
        auto from_us = micros_bound(query.from, "from");
        if (!from_us) return from_us.error();
        auto to_us = micros_bound(query.to, "to");
        if (!to_us) return to_us.error();
        sales.add_period_micros("t.occurred_us", *from_us, *to_us);
        const std::string sale_month = month_of_micros("t.occurred_us", db_.engine());
        for (const auto& r : query_rows(s,
                                        "SELECT " + sale_month +
                                            ", t.currency, SUM(t.amount_minor), COUNT(*) "
                                            "FROM transactions t" +
                                            sales.where() + " GROUP BY " + sale_month +
                                            ", t.currency ORDER BY 1, 2",
                                        sales.params(), 4)) {
          k.revenue_by_month.push_back(
              {cell_text(r[0]), cell_text(r[1]), cell_int(r[2]), cell_int(r[3])});
        }

        for (const auto& r :
             query_rows(s, "SELECT status, COUNT(*) FROM customers GROUP BY status", {}, 2)) {
          k.customers_by_status[cell_text(r[0])] = cell_int(r[1]);
        }

        Conditions answered;
        answered.add_period("c.occurred_at", query);
        answered.add("c.response_seconds IS NOT NULL");
        auto rt = query_rows(s,
                             "SELECT COUNT(c.response_seconds), AVG(c.response_seconds) FROM "
                             "communications c" +
                                 answered.where(),
                             answered.params(), 2);
        if (!rt.empty()) {
          k.answered_messages = cell_int(rt[0][0]);
          if (k.answered_messages > 0 && rt[0][1]) k.mean_response_seconds = cell_double(rt[0][1]);
        }
        for (const auto& r :
             query_rows(s,
                        "SELECT substr(c.occurred_at, 1, 7), COUNT(c.response_seconds), "
                        "AVG(c.response_seconds) FROM communications c" +
                            answered.where() + " GROUP BY substr(c.occurred_at, 1, 7) ORDER BY 1",
                        answered.params(), 3)) {
          k.response_by_month.push_back({cell_text(r[0]), cell_int(r[1]), cell_double(r[2])});
        }

        Conditions scored;
        scored.add("s.entity = ?", SqlValue::of("leads"));
        scored.add_visible_to(query.visible_to_owner);
        for (const auto& r :
             query_rows(s,
                        "SELECT s.probability, s.tier FROM latest_scores s JOIN leads "
                        "l ON l.id = s.entity_id" +
                            scored.where(),
                        scored.params(), 2)) {
          double p = cell_double(r[0]);
          int bin = static_cast<int>(std::floor(p * 10));
          k.score_bins[static_cast<size_t>(std::clamp(bin, 0, 9))] += 1;
          k.leads_by_tier[cell_text(r[1])] += 1;
          ++k.scored_leads;
        }
        return k;
      });
}

Result<RankedLeads> DashboardStore::ranked_leads(const RankedLeadQuery& query) {
  if (query.limit < 1 || query.limit > kMaxRankedLeadsPage)
    return Error::invalid("limit must be 1 to " + std::to_string(kMaxRankedLeadsPage), "limit");
  if (query.offset < 0) return Error::invalid("offset must not be negative", "offset");
  if (query.status && !parse_lead_status(*query.status))
    return Error::invalid("status must be new, contacted, qualified, converted or lost", "status");
  if (query.tier && *query.tier != "hot" && *query.tier != "warm" && *query.tier != "cold")
    return Error::invalid("tier must be hot, warm or cold", "tier");
  return with_connection(
      db_, "listing leads by rank", [&](soci::session& s) -> Result<RankedLeads> {
        Conditions c;
        c.add_visible_to(query.visible_to_owner);
        if (query.status) c.add("l.status = ?", SqlValue::of(*query.status));
        if (query.tier) c.add("s.tier = ?", SqlValue::of(*query.tier));
        if (query.source) c.add("l.source = ?", SqlValue::of(*query.source));
        if (query.owner_id) c.add("l.owner_id = ?", SqlValue::of(*query.owner_id));
        if (!query.q.empty()) {
          auto p = SqlValue::of(like_pattern(query.q));
          c.add(
              "(lower(l.name) LIKE ? ESCAPE '\\' OR lower(COALESCE(l.email, '')) LIKE ? ESCAPE "
              "'\\' OR lower(COALESCE(l.company, '')) LIKE ? ESCAPE '\\')",
              {p, p, p});
        }
        const std::string where = c.where();
        const std::string from =
            " FROM leads l LEFT JOIN latest_scores s ON s.entity = 'leads' AND s.entity_id = l.id";
        RankedLeads out;
        auto count = query_rows(s, "SELECT COUNT(*)" + from + where, c.params(), 1);
        out.total = count.empty() ? 0 : cell_int(count[0][0]);
        SqlParams params = c.params();
        std::string page = " LIMIT :p" + std::to_string(params.size()) + " OFFSET :p" +
                           std::to_string(params.size() + 1);
        params.push_back(SqlValue::of(query.limit));
        params.push_back(SqlValue::of(query.offset));
        auto rows = query_rows(
            s,
            "SELECT l.id, l.name, l.email, l.company, l.source, l.status, l.owner_id, "
            "l.expected_value_minor, l.currency, l.created_at, l.updated_at, s.probability, "
            "s.score, "
            "s.rank, s.tier, s.factors, s.scored_at, "
            "(SELECT MAX(m.occurred_at) FROM communications m WHERE m.lead_id = l.id), "
            "(SELECT MAX(a.completed_at) FROM activities a WHERE a.lead_id = l.id AND "
            "a.status = 'done')" +
                from + where +
                " ORDER BY CASE WHEN s.rank IS NULL THEN 1 ELSE 0 END, s.rank, l.id" + page,
            params, 19);
        for (const auto& r : rows) {
          RankedLead l;
          l.id = cell_int(r[0]);
          l.name = cell_text(r[1]);
          l.email = cell_opt_text(r[2]);
          l.company = cell_opt_text(r[3]);
          l.source = cell_opt_text(r[4]);
          l.status = cell_text(r[5]);
          l.owner_id = cell_opt_int(r[6]);
          l.expected_value_minor = cell_opt_int(r[7]);
          l.currency = cell_text(r[8]);
          l.created_at = cell_text(r[9]);
          l.updated_at = cell_text(r[10]);
          // Fixed-width ISO-8601 text: the larger string is the later time.
          l.last_activity_at = std::max(cell_opt_text(r[17]), cell_opt_text(r[18]));
          if (r[13]) {
            RankedLead::Score sc;
            sc.probability = cell_double(r[11]);
            sc.score = cell_double(r[12]);
            sc.rank = cell_int(r[13]);
            sc.tier = cell_text(r[14]);
            auto factors = boost::json::parse(cell_text(r[15]));
            if (factors.is_array()) sc.factors = factors.as_array();
            sc.scored_at = cell_text(r[16]);
            l.score = std::move(sc);
          }
          out.items.push_back(std::move(l));
        }
        return out;
      });
}

boost::json::object to_json(const Kpis& k) {
  object out;
  object by_status;
  for (const auto& [status, n] : k.leads_by_status) by_status[status] = n;
  out["leads_by_status"] = std::move(by_status);
  out["leads_created"] = k.leads_created;
  boost::json::array months;
  for (const auto& m : k.conversion_by_month)
    months.push_back(
        object{{"month", m.month}, {"created", m.created}, {"converted", m.converted}});
  out["conversion_by_month"] = std::move(months);
  boost::json::array sources;
  for (const auto& m : k.conversion_by_source)
    sources.push_back(
        object{{"source", m.source}, {"created", m.created}, {"converted", m.converted}});
  out["conversion_by_source"] = std::move(sources);
  boost::json::array revenue;
  for (const auto& m : k.revenue_by_month)
    revenue.push_back(object{{"month", m.month},
                             {"currency", m.currency},
                             {"amount_minor", m.amount_minor},
                             {"lines", m.lines}});
  out["revenue_by_month"] = std::move(revenue);
  object customers;
  for (const auto& [status, n] : k.customers_by_status) customers[status] = n;
  out["customers_by_status"] = std::move(customers);
  out["answered_messages"] = k.answered_messages;
  out["mean_response_seconds"] =
      k.mean_response_seconds ? boost::json::value(*k.mean_response_seconds) : nullptr;
  boost::json::array response;
  for (const auto& m : k.response_by_month)
    response.push_back(object{
        {"month", m.month}, {"answered", m.answered}, {"mean_response_seconds", m.mean_seconds}});
  out["response_by_month"] = std::move(response);
  boost::json::array bins;
  for (size_t i = 0; i < k.score_bins.size(); ++i)
    bins.push_back(object{{"lower", static_cast<double>(i) / 10},
                          {"upper", static_cast<double>(i + 1) / 10},
                          {"count", k.score_bins[i]}});
  out["score_distribution"] = std::move(bins);
  object tiers;
  for (const auto& [tier, n] : k.leads_by_tier) tiers[tier] = n;
  out["leads_by_tier"] = std::move(tiers);
  out["scored_leads"] = k.scored_leads;
  return out;
}

boost::json::object to_json(const RankedLead& l) {
  auto opt_text = [](const std::optional<std::string>& v) -> boost::json::value {
    return v ? boost::json::value(*v) : nullptr;
  };
  object out{{"id", l.id},
             {"name", l.name},
             {"email", opt_text(l.email)},
             {"company", opt_text(l.company)},
             {"source", opt_text(l.source)},
             {"status", l.status},
             {"owner_id", l.owner_id ? boost::json::value(*l.owner_id) : nullptr},
             {"expected_value_minor",
              l.expected_value_minor ? boost::json::value(*l.expected_value_minor) : nullptr},
             {"currency", l.currency},
             {"created_at", l.created_at},
             {"updated_at", l.updated_at},
             {"last_activity_at", opt_text(l.last_activity_at)}};
  if (l.score) {
    out["score"] = object{{"probability", l.score->probability},
                          {"score", l.score->score},
                          {"rank", l.score->rank},
                          {"tier", l.score->tier},
                          {"factors", l.score->factors},
                          {"scored_at", l.score->scored_at}};
  } else {
    out["score"] = nullptr;
  }
  return out;
}

}  // namespace icrm::store
