#include "store/decision_store.h"

#include <soci/soci.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <span>

#include "store/activity_store.h"
#include "store/audit_log.h"
#include "store/event_store.h"
#include "store/json_text.h"
#include "store/sql_support.h"

namespace icrm::store {
namespace {

constexpr const char* kColumns =
    "id, lead_id, model_id, score, probability, tier, theta, theta1, threshold_mode, deal_value, "
    "utility_call, utility_email, utility_offer, utility_nurture, action, propensity, "
    "probabilities, policy, bandit_version, context, why, triggered_by, activity_id, created_at, "
    "accepted_at, rejected_at, reject_reason, outcome, reward, outcome_at, outcome_source";
constexpr size_t kColumnCount = 31;

std::string probabilities_json(const std::array<double, 4>& p) {
  boost::json::object o;
  for (size_t i = 0; i < p.size(); ++i) o[kDecisionActions[i]] = p[i];
  return boost::json::serialize(o);
}

std::array<double, 4> parse_probabilities(const std::string& text) {
  std::array<double, 4> out{};
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (size_t i = 0; i < out.size(); ++i) {
    if (const auto* x = v.as_object().if_contains(kDecisionActions[i])) {
      if (x->is_number()) out[i] = x->to_number<double>();
    }
  }
  return out;
}

DecisionRecord from_row(const SqlRow& r) {
  DecisionRecord d;
  d.id = cell_int(r[0]);
  d.lead_id = cell_int(r[1]);
  d.model_id = cell_opt_int(r[2]);
  d.score = cell_double(r[3]);
  d.probability = cell_double(r[4]);
  d.tier = cell_text(r[5]);
  d.theta = cell_double(r[6]);
  d.theta1 = cell_double(r[7]);
  d.threshold_mode = cell_text(r[8]);
  d.deal_value = cell_double(r[9]);
  for (size_t i = 0; i < 4; ++i) d.utility[i] = cell_double(r[10 + i]);
  d.action = cell_text(r[14]);
  d.propensity = cell_double(r[15]);
  d.probabilities = parse_probabilities(cell_text(r[16]));
  d.policy = cell_text(r[17]);
  d.bandit_version = cell_int(r[18]);
  d.context = cell_text(r[19]);
  d.why = cell_text(r[20]);
  d.triggered_by = cell_text(r[21]);
  d.activity_id = cell_opt_int(r[22]);
  d.created_at = cell_time(r[23]);
  d.accepted_at = cell_opt_time(r[24]);
  d.rejected_at = cell_opt_time(r[25]);
  d.reject_reason = cell_opt_text(r[26]);
  d.outcome = cell_opt_text(r[27]);
  d.reward = cell_opt_double(r[28]);
  d.outcome_at = cell_opt_time(r[29]);
  d.outcome_source = cell_opt_text(r[30]);
  return d;
}

std::string select_sql(std::string_view where) {
  return std::string("SELECT ") + kColumns + " FROM decisions " + std::string(where);
}

Result<std::optional<DecisionRecord>> one_row(Database& db, std::string_view what,
                                              const std::string& sql, const SqlParams& params) {
  return with_connection(db, what, [&](soci::session& s) -> Result<std::optional<DecisionRecord>> {
    auto rows = query_rows(s, sql, params, kColumnCount);
    if (rows.empty()) return std::optional<DecisionRecord>();
    return std::optional<DecisionRecord>(from_row(rows.front()));
  });
}

std::string in_list(std::span<const std::string_view> names) {
  std::string out = "(";
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i ? ", '" : "'") + std::string(names[i]) + "'";
  }
  return out + ")";
}

std::string doubles_json(const std::vector<double>& v) {
  boost::json::array a;
  a.reserve(v.size());
  for (double x : v) a.emplace_back(x);
  return boost::json::serialize(a);
}

std::vector<double> parse_doubles(const std::string& text) {
  std::vector<double> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& x : v.as_array()) out.push_back(x.is_number() ? x.to_number<double>() : 0.0);
  return out;
}

constexpr const char* kPosteriorColumns =
    "action, dimension, mean, covariance, observations, version, updated_at, features";

BanditPosterior posterior_from_row(const SqlRow& r) {
  BanditPosterior p;
  p.action = cell_text(r[0]);
  p.dimension = static_cast<size_t>(cell_int(r[1]));
  p.mean = parse_doubles(cell_text(r[2]));
  p.covariance = parse_doubles(cell_text(r[3]));
  p.observations = cell_int(r[4]);
  p.version = cell_int(r[5]);
  p.updated_at = cell_time(r[6]);
  p.features = string_array_from_text(cell_text(r[7]));
  return p;
}

}  // namespace

boost::json::object to_json(const DecisionRecord& d) {
  boost::json::object o;
  auto opt_time = [](const std::optional<Timestamp>& t) -> boost::json::value {
    if (!t) return nullptr;
    return boost::json::string(format_timestamp(*t));
  };
  auto opt_text = [](const std::optional<std::string>& t) -> boost::json::value {
    if (!t) return nullptr;
    return boost::json::string(*t);
  };
  o["id"] = d.id;
  o["lead_id"] = d.lead_id;
  o["model_id"] = d.model_id ? boost::json::value(*d.model_id) : nullptr;
  o["score"] = d.score;
  o["probability"] = d.probability;
  o["tier"] = d.tier;
  o["thresholds"] = {{"theta", d.theta}, {"theta1", d.theta1}, {"mode", d.threshold_mode}};
  o["deal_value"] = d.deal_value;
  boost::json::object utility, probabilities;
  for (size_t i = 0; i < 4; ++i) {
    utility[kDecisionActions[i]] = d.utility[i];
    probabilities[kDecisionActions[i]] = d.probabilities[i];
  }
  o["utility"] = std::move(utility);
  o["action"] = d.action;
  o["propensity"] = d.propensity;
  o["probabilities"] = std::move(probabilities);
  o["policy"] = d.policy;
  o["bandit_version"] = d.bandit_version;
  boost::system::error_code ec;
  auto context = boost::json::parse(d.context, ec);
  o["context"] = ec ? boost::json::value(boost::json::object()) : context;
  o["why"] = d.why;
  o["triggered_by"] = d.triggered_by;
  o["activity_id"] = d.activity_id ? boost::json::value(*d.activity_id) : nullptr;
  o["created_at"] = format_timestamp(d.created_at);
  o["accepted_at"] = opt_time(d.accepted_at);
  o["rejected_at"] = opt_time(d.rejected_at);
  o["reject_reason"] = opt_text(d.reject_reason);
  o["outcome"] = opt_text(d.outcome);
  o["reward"] = d.reward ? boost::json::value(*d.reward) : nullptr;
  o["outcome_at"] = opt_time(d.outcome_at);
  o["outcome_source"] = opt_text(d.outcome_source);
  return o;
}

Result<DecisionRecord> DecisionStore::record(const Actor& actor, DecisionRecord d,
                                             std::optional<Activity> activity) {
  return in_write_transaction(
      db_, "recording a decision", [&](soci::session& s) -> Result<DecisionRecord> {
        // Lock the lead: a second decision for it waits here until this one
        // commits, then sees its activity (SQLite's BEGIN IMMEDIATE already holds
        // the database's write lock).
        std::string lock = "SELECT id FROM leads WHERE id = :l";
        if (db_.engine() == Engine::kPostgres) lock += " FOR UPDATE";
        if (query_rows(s, lock, {SqlValue::of(d.lead_id)}, 1).empty()) {
          return Error::not_found("lead " + std::to_string(d.lead_id) + " not found");
        }
        auto open = query_rows(
            s,
            "SELECT id FROM activities WHERE lead_id = :l AND status = 'open' AND kind IN " +
                in_list(kNextStepKinds) + " ORDER BY id LIMIT 1",
            {SqlValue::of(d.lead_id)}, 1);
        if (!open.empty()) {
          return Error::conflict("lead " + std::to_string(d.lead_id) +
                                     " already has an open next step (activity " +
                                     cell_text(open[0][0]) + ")",
                                 "lead_id");
        }
        if (activity) {
          activity->lead_id = d.lead_id;
          activity->created_by_user_id = actor.user_id;
          activity->created_by_system = actor.is_system();
          activity->created_at = activity->updated_at = d.created_at;
          SociRunner run(s, db_.engine());
          activity->id = ActivityStore::insert_in(run, *activity);
          AuditLog::append_in(s, actor, d.created_at, "create", "activities", activity->id, nullptr,
                              to_json(*activity));
          d.activity_id = activity->id;
        }
        SqlParams p = {
            SqlValue::of(d.lead_id),      SqlValue::of(d.model_id),
            SqlValue::real(d.score),      SqlValue::real(d.probability),
            SqlValue::of(d.tier),         SqlValue::real(d.theta),
            SqlValue::real(d.theta1),     SqlValue::of(d.threshold_mode),
            SqlValue::real(d.deal_value), SqlValue::real(d.utility[0]),
            SqlValue::real(d.utility[1]), SqlValue::real(d.utility[2]),
            SqlValue::real(d.utility[3]), SqlValue::of(d.action),
            SqlValue::real(d.propensity), SqlValue::of(probabilities_json(d.probabilities)),
            SqlValue::of(d.policy),       SqlValue::of(d.bandit_version),
            SqlValue::of(d.context),      SqlValue::of(d.why),
            SqlValue::of(d.triggered_by), SqlValue::of(d.activity_id),
            SqlValue::of(d.created_at)};
        auto rows = query_rows(
            s,
            "INSERT INTO decisions (lead_id, model_id, score, probability, tier, theta, theta1, "
            "threshold_mode, deal_value, utility_call, utility_email, utility_offer, "
            "utility_nurture, "
            "action, propensity, probabilities, policy, bandit_version, context, why, "
            "triggered_by, "
            "activity_id, created_at) VALUES (:p0, :p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9, "
            ":p10, "
            ":p11, :p12, :p13, :p14, :p15, :p16, :p17, :p18, :p19, :p20, :p21, :p22) RETURNING id",
            p, 1);
        d.id = cell_int(rows.at(0)[0]);
        d.outcome.reset();
        d.reward.reset();
        return d;
      });
}

Result<DecisionRecord> DecisionStore::get(int64_t id) {
  auto row = one_row(db_, "reading a decision", select_sql("WHERE id = :id"), {SqlValue::of(id)});
  if (!row) return row.error();
  if (!*row) return Error::not_found("decision " + std::to_string(id) + " not found");
  return **row;
}

Result<std::optional<DecisionRecord>> DecisionStore::latest_for_lead(int64_t lead_id) {
  return one_row(db_, "reading a lead's decision",
                 select_sql("WHERE lead_id = :l ORDER BY id DESC LIMIT 1"),
                 {SqlValue::of(lead_id)});
}

Result<std::optional<DecisionRecord>> DecisionStore::for_activity(int64_t activity_id) {
  return one_row(db_, "reading an activity's decision",
                 select_sql("WHERE activity_id = :a ORDER BY id DESC LIMIT 1"),
                 {SqlValue::of(activity_id)});
}

Result<std::vector<DecisionRecord>> DecisionStore::list(const DecisionFilter& f) {
  if (f.limit == 0 || f.limit > kMaxDecisionListLimit) {
    return Error::invalid("limit is between 1 and " + std::to_string(kMaxDecisionListLimit),
                          "limit");
  }
  std::string where;
  SqlParams params;
  auto add = [&](const std::string& condition, std::optional<SqlValue> value) {
    where += where.empty() ? "WHERE " : " AND ";
    where += condition;
    if (value) params.push_back(std::move(*value));
  };
  if (f.lead_id) add("lead_id = :lead", SqlValue::of(*f.lead_id));
  if (!f.action.empty()) add("action = :action", SqlValue::of(f.action));
  if (!f.tier.empty()) add("tier = :tier", SqlValue::of(f.tier));
  if (f.outcome == "pending") {
    add("outcome IS NULL", std::nullopt);
  } else if (f.outcome == "known") {
    add("outcome IS NOT NULL", std::nullopt);
  } else if (!f.outcome.empty()) {
    add("outcome = :outcome", SqlValue::of(f.outcome));
  }
  if (f.from) add("created_at >= :from", SqlValue::of(*f.from));
  if (f.to) add("created_at < :to", SqlValue::of(*f.to));
  if (f.owner_id) {
    add("lead_id IN (SELECT id FROM leads WHERE owner_id = :owner OR owner_id IS NULL)",
        SqlValue::of(*f.owner_id));
  }
  if (f.before_id > 0) add("id < :before", SqlValue::of(f.before_id));
  std::string sql = select_sql(where + " ORDER BY id DESC LIMIT " + std::to_string(f.limit));
  return with_connection(db_, "listing decisions",
                         [&](soci::session& s) -> Result<std::vector<DecisionRecord>> {
                           std::vector<DecisionRecord> out;
                           for (const auto& r : query_rows(s, sql, params, kColumnCount))
                             out.push_back(from_row(r));
                           return out;
                         });
}

Result<std::vector<DecisionRecord>> DecisionStore::log(int64_t after_id, size_t limit) {
  std::string sql = select_sql("WHERE id > :after ORDER BY id LIMIT " + std::to_string(limit));
  return with_connection(
      db_, "reading the decision log",
      [&](soci::session& s) -> Result<std::vector<DecisionRecord>> {
        std::vector<DecisionRecord> out;
        for (const auto& r : query_rows(s, sql, {SqlValue::of(after_id)}, kColumnCount)) {
          out.push_back(from_row(r));
        }
        return out;
      });
}

Result<bool> DecisionStore::set_outcome(int64_t id, std::string_view outcome, double reward,
                                        std::string_view source, Timestamp at) {
  return in_write_transaction(db_, "recording an outcome", [&](soci::session& s) -> Result<bool> {
    long long n = exec(s,
                       "UPDATE decisions SET outcome = :o, reward = :r, outcome_source = :s, "
                       "outcome_at = :a WHERE id = :id AND outcome IS NULL",
                       {SqlValue::of(std::string(outcome)), SqlValue::real(reward),
                        SqlValue::of(std::string(source)), SqlValue::of(at), SqlValue::of(id)});
    if (n > 0) return true;
    if (!row_exists(s, "decisions", id)) {
      return Error::not_found("decision " + std::to_string(id) + " not found");
    }
    return false;
  });
}

Status DecisionStore::mark_accepted(int64_t id, Timestamp at) {
  return in_write_transaction(db_, "accepting a decision", [&](soci::session& s) -> Status {
    if (exec(s, "UPDATE decisions SET accepted_at = :a WHERE id = :id",
             {SqlValue::of(at), SqlValue::of(id)}) == 0) {
      return Error::not_found("decision " + std::to_string(id) + " not found");
    }
    return {};
  });
}

Status DecisionStore::mark_rejected(int64_t id, std::string_view reason, Timestamp at) {
  return in_write_transaction(db_, "rejecting a decision", [&](soci::session& s) -> Status {
    if (exec(s, "UPDATE decisions SET rejected_at = :a, reject_reason = :r WHERE id = :id",
             {SqlValue::of(at), SqlValue::of(std::string(reason)), SqlValue::of(id)}) == 0) {
      return Error::not_found("decision " + std::to_string(id) + " not found");
    }
    return {};
  });
}

Result<std::vector<DecisionRecord>> DecisionStore::pending_before(Timestamp before,
                                                                  int64_t after_id, size_t limit) {
  std::string sql =
      select_sql("WHERE outcome IS NULL AND created_at < :b AND id > :a ORDER BY id LIMIT " +
                 std::to_string(limit));
  return with_connection(
      db_, "reading pending decisions",
      [&](soci::session& s) -> Result<std::vector<DecisionRecord>> {
        std::vector<DecisionRecord> out;
        for (const auto& r :
             query_rows(s, sql, {SqlValue::of(before), SqlValue::of(after_id)}, kColumnCount)) {
          out.push_back(from_row(r));
        }
        return out;
      });
}

Result<DecisionStore::LeadResponse> DecisionStore::lead_response(int64_t lead_id, Timestamp from,
                                                                 Timestamp to) {
  return with_connection(
      db_, "reading a lead's response", [&](soci::session& s) -> Result<LeadResponse> {
        LeadResponse out;
        const std::string entity = "lead:" + std::to_string(lead_id);
        // The log's times are integer microseconds (migration 0011).
        const SqlParams window = {SqlValue::of(static_cast<int64_t>(entity_partition(entity))),
                                  SqlValue::of(entity), SqlValue::of(to_unix_micros(from)),
                                  SqlValue::of(to_unix_micros(to))};
        auto first_event = [&](const char* types) -> std::optional<Timestamp> {
          auto rows = query_rows(
              s,
              std::string(
                  "SELECT MIN(ts_us) FROM events WHERE entity_part = :p AND entity = :e AND "
                  "ts_us >= :f AND ts_us <= :t AND too_late = 0 AND type IN ") +
                  types,
              window, 1);
          auto micros = cell_opt_int(rows.at(0)[0]);
          if (!micros) return std::nullopt;
          return from_unix_micros(*micros);
        };
        auto converted =
            query_rows(s,
                       "SELECT converted_at FROM leads WHERE id = :l AND converted_at >= :f AND "
                       "converted_at <= :t",
                       {SqlValue::of(lead_id), SqlValue::of(from), SqlValue::of(to)}, 1);
        if (!converted.empty()) out.converted_at = cell_opt_time(converted[0][0]);
        if (auto purchase = first_event("('purchase')");
            purchase && (!out.converted_at || *purchase < *out.converted_at)) {
          out.converted_at = purchase;
        }
        out.engaged =
            first_event("('email_click', 'meeting')").has_value() ||
            !query_rows(s,
                        "SELECT id FROM communications WHERE lead_id = :l AND direction = 'in' AND "
                        "occurred_at >= :f AND occurred_at <= :t LIMIT 1",
                        {SqlValue::of(lead_id), SqlValue::of(from), SqlValue::of(to)}, 1)
                 .empty();
        return out;
      });
}

Result<std::vector<DecisionStore::EventActivity>> DecisionStore::lead_activity(int64_t lead_id,
                                                                               Timestamp from,
                                                                               Timestamp to) {
  return with_connection(
      db_, "reading a lead's events", [&](soci::session& s) -> Result<std::vector<EventActivity>> {
        const std::string entity = "lead:" + std::to_string(lead_id);
        std::vector<EventActivity> out;
        for (const auto& r :
             query_rows(s,
                        "SELECT type, COUNT(*), MAX(ts_us) FROM events WHERE entity_part = :p AND "
                        "entity = :e AND ts_us >= :f AND ts_us < :t AND too_late = 0 GROUP BY type "
                        "ORDER BY type",
                        // The log's times are integer microseconds (migration 0011).
                        {SqlValue::of(static_cast<int64_t>(entity_partition(entity))),
                         SqlValue::of(entity), SqlValue::of(to_unix_micros(from)),
                         SqlValue::of(to_unix_micros(to))},
                        3)) {
          out.push_back({cell_text(r[0]), cell_int(r[1]), from_unix_micros(cell_int(r[2]))});
        }
        return out;
      });
}

Result<std::optional<std::string>> DecisionStore::load_settings() {
  return with_connection(db_, "reading decision settings",
                         [&](soci::session& s) -> Result<std::optional<std::string>> {
                           auto rows = query_rows(
                               s, "SELECT settings FROM decision_settings WHERE id = 1", {}, 1);
                           if (rows.empty()) return std::optional<std::string>();
                           return cell_opt_text(rows[0][0]);
                         });
}

Status DecisionStore::save_settings(const Actor& actor, const std::string& settings_json,
                                    Timestamp at) {
  return in_write_transaction(db_, "saving decision settings", [&](soci::session& s) -> Status {
    auto before = query_rows(s, "SELECT settings FROM decision_settings WHERE id = 1", {}, 1);
    SqlParams p = {SqlValue::of(settings_json), SqlValue::of(at), SqlValue::of(actor.user_id)};
    if (before.empty()) {
      exec(s,
           "INSERT INTO decision_settings (id, settings, updated_at, updated_by) VALUES (1, :s, "
           ":a, :u)",
           p);
    } else {
      exec(s,
           "UPDATE decision_settings SET settings = :s, updated_at = :a, updated_by = :u WHERE id "
           "= 1",
           p);
    }
    boost::system::error_code ec;
    boost::json::value old = before.empty() ? boost::json::value(nullptr)
                                            : boost::json::parse(cell_text(before[0][0]), ec);
    boost::json::value now = boost::json::parse(settings_json, ec);
    AuditLog::append_in(s, actor, at, "update", "decision_settings", 1, old, now);
    return {};
  });
}

Result<std::vector<BanditPosterior>> DecisionStore::posteriors() {
  return with_connection(
      db_, "reading the bandit", [&](soci::session& s) -> Result<std::vector<BanditPosterior>> {
        std::vector<BanditPosterior> out;
        for (const auto& r : query_rows(s,
                                        std::string("SELECT ") + kPosteriorColumns +
                                            " FROM bandit_posteriors ORDER BY action",
                                        {}, 8)) {
          out.push_back(posterior_from_row(r));
        }
        return out;
      });
}

Result<BanditPosterior> DecisionStore::update_posterior(
    std::string_view action,
    const std::function<BanditPosterior(std::optional<BanditPosterior>)>& update, Timestamp at) {
  return in_write_transaction(
      db_, "updating the bandit", [&](soci::session& s) -> Result<BanditPosterior> {
        std::string sql = std::string("SELECT ") + kPosteriorColumns +
                          " FROM bandit_posteriors WHERE action = :a";
        if (db_.engine() == Engine::kPostgres) sql += " FOR UPDATE";
        auto rows = query_rows(s, sql, {SqlValue::of(std::string(action))}, 8);
        std::optional<BanditPosterior> before;
        if (!rows.empty()) before = posterior_from_row(rows[0]);
        BanditPosterior after = update(before);
        after.action = std::string(action);
        after.version = before ? before->version + 1 : 1;
        after.updated_at = at;
        if (after.mean.size() != after.dimension ||
            after.covariance.size() != after.dimension * after.dimension) {
          return Error::internal("bandit posterior for " + std::string(action) +
                                 " has the wrong shape");
        }
        SqlParams p = {SqlValue::of(static_cast<int64_t>(after.dimension)),
                       SqlValue::of(doubles_json(after.mean)),
                       SqlValue::of(doubles_json(after.covariance)),
                       SqlValue::of(after.observations),
                       SqlValue::of(after.version),
                       SqlValue::of(at),
                       SqlValue::of(string_array_text(after.features)),
                       SqlValue::of(after.action)};
        if (before) {
          exec(s,
               "UPDATE bandit_posteriors SET dimension = :d, mean = :m, covariance = :c, "
               "observations = :o, "
               "version = :v, updated_at = :u, features = :f WHERE action = :a",
               p);
        } else {
          exec(s,
               "INSERT INTO bandit_posteriors (dimension, mean, covariance, observations, version, "
               "updated_at, "
               "features, action) VALUES (:d, :m, :c, :o, :v, :u, :f, :a)",
               p);
        }
        return after;
      });
}

Result<std::optional<int64_t>> DecisionStore::rep_with_most_free_capacity() {
  return with_connection(
      db_, "choosing a rep", [&](soci::session& s) -> Result<std::optional<int64_t>> {
        auto rows = query_rows(
            s,
            "SELECT u.id FROM users u WHERE u.role = 'rep' AND u.disabled = 0 ORDER BY "
            "(SELECT COUNT(*) FROM activities a WHERE a.owner_id = u.id AND a.status = 'open'), "
            "u.id LIMIT 1",
            {}, 1);
        if (rows.empty()) return std::optional<int64_t>();
        return cell_opt_int(rows[0][0]);
      });
}

Result<bool> DecisionStore::user_active(int64_t user_id) {
  return with_connection(db_, "reading a user", [&](soci::session& s) -> Result<bool> {
    return !query_rows(s, "SELECT id FROM users WHERE id = :u AND disabled = 0",
                       {SqlValue::of(user_id)}, 1)
                .empty();
  });
}

Result<int64_t> DecisionStore::active_rep_count() {
  return with_connection(db_, "counting reps", [&](soci::session& s) -> Result<int64_t> {
    auto rows =
        query_rows(s, "SELECT COUNT(*) FROM users WHERE role = 'rep' AND disabled = 0", {}, 1);
    return cell_int(rows.at(0)[0]);
  });
}

Result<std::vector<DecisionStore::OpenLeadScore>> DecisionStore::open_lead_scores() {
  return with_connection(
      db_, "reading open leads' scores",
      [&](soci::session& s) -> Result<std::vector<OpenLeadScore>> {
        std::vector<OpenLeadScore> out;
        for (const auto& r :
             query_rows(s,
                        "SELECT l.id, ls.score, l.expected_value_minor FROM leads l JOIN "
                        "latest_scores ls ON ls.entity = 'leads' AND ls.entity_id = l.id WHERE "
                        "l.status IN ('new', 'contacted', 'qualified') ORDER BY l.id",
                        {}, 3)) {
          out.push_back({cell_int(r[0]), cell_double(r[1]), cell_opt_int(r[2])});
        }
        return out;
      });
}

Result<std::optional<double>> DecisionStore::average_won_value_minor() {
  return with_connection(
      db_, "reading won values", [&](soci::session& s) -> Result<std::optional<double>> {
        auto rows = query_rows(
            s,
            "SELECT AVG(CAST(expected_value_minor AS DOUBLE PRECISION)) FROM leads WHERE "
            "status = 'converted' AND expected_value_minor IS NOT NULL",
            {}, 1);
        return cell_opt_double(rows.at(0)[0]);
      });
}

Result<DecisionKpis> DecisionStore::kpis(std::optional<Timestamp> from, std::optional<Timestamp> to,
                                         std::optional<int64_t> owner_id) {
  return with_connection(
      db_, "computing decision KPIs", [&](soci::session& s) -> Result<DecisionKpis> {
        DecisionKpis k;
        // Next steps by who created them, over activities created in the period.
        std::string act_where = "lead_id IS NOT NULL AND kind IN " + in_list(kNextStepKinds);
        SqlParams act_params;
        if (from) {
          act_where += " AND created_at >= :f";
          act_params.push_back(SqlValue::of(*from));
        }
        if (to) {
          act_where += " AND created_at < :t";
          act_params.push_back(SqlValue::of(*to));
        }
        if (owner_id) {
          act_where +=
              " AND lead_id IN (SELECT id FROM leads WHERE owner_id = :o OR owner_id IS NULL)";
          act_params.push_back(SqlValue::of(*owner_id));
        }
        auto counts = query_rows(
            s,
            "SELECT SUM(CASE WHEN created_by_system = 1 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN created_by_system = 1 THEN 0 ELSE 1 END) FROM activities WHERE " +
                act_where,
            act_params, 2);
        k.next_steps_automatic = cell_int(counts.at(0)[0]);
        k.next_steps_manual = cell_int(counts.at(0)[1]);

        std::string where = "1 = 1";
        SqlParams params;
        if (from) {
          where += " AND d.created_at >= :f";
          params.push_back(SqlValue::of(*from));
        }
        if (to) {
          where += " AND d.created_at < :t";
          params.push_back(SqlValue::of(*to));
        }
        if (owner_id) {
          where += " AND (l.owner_id = :o OR l.owner_id IS NULL)";
          params.push_back(SqlValue::of(*owner_id));
        }
        // One row per decision: its tier, the previous decision's tier, whether
        // the lead converted after it, and its first touch (a completed step or
        // an outbound message after the decision).
        auto rows =
            query_rows(s,
                       "SELECT d.tier, (SELECT p.tier FROM decisions p WHERE p.lead_id = d.lead_id "
                       "AND p.id < d.id "
                       "ORDER BY p.id DESC LIMIT 1), CASE WHEN l.converted_at IS NOT NULL AND "
                       "l.converted_at >= d.created_at "
                       "THEN 1 ELSE 0 END, d.created_at, (SELECT MIN(a.completed_at) FROM "
                       "activities a WHERE a.lead_id = "
                       "d.lead_id AND a.status = 'done' AND a.completed_at >= d.created_at), "
                       "(SELECT MIN(c.occurred_at) FROM "
                       "communications c WHERE c.lead_id = d.lead_id AND c.direction = 'out' AND "
                       "c.occurred_at >= "
                       "d.created_at) FROM decisions d JOIN leads l ON l.id = d.lead_id WHERE " +
                           where,
                       params, 6);
        k.conversion_by_tier = {{"high"}, {"medium"}, {"low"}};
        std::vector<double> touch_seconds;
        for (const auto& r : rows) {
          ++k.decisions;
          std::string tier = cell_text(r[0]);
          for (auto& t : k.conversion_by_tier) {
            if (t.tier != tier) continue;
            ++t.decisions;
            t.converted += cell_int(r[2]);
          }
          bool tier_changed = !r[1] || cell_text(r[1]) != tier;
          if (!tier_changed) continue;
          auto decided = cell_time(r[3]);
          std::optional<Timestamp> touch = cell_opt_time(r[4]);
          if (auto message = cell_opt_time(r[5]); message && (!touch || *message < *touch))
            touch = message;
          if (!touch) continue;
          touch_seconds.push_back(std::chrono::duration<double>(*touch - decided).count());
        }
        k.touched = static_cast<int64_t>(touch_seconds.size());
        if (!touch_seconds.empty()) {
          double sum = 0;
          for (double x : touch_seconds) sum += x;
          k.mean_seconds_to_first_touch = sum / touch_seconds.size();
          std::sort(touch_seconds.begin(), touch_seconds.end());
          size_t n = touch_seconds.size();
          k.median_seconds_to_first_touch =
              n % 2 ? touch_seconds[n / 2] : (touch_seconds[n / 2 - 1] + touch_seconds[n / 2]) / 2;
        }
        return k;
      });
}

}  // namespace icrm::store
