#include "decide/simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <deque>

#include "core/random.h"
#include "decide/lead_features.h"
#include "decide/rules_policy.h"
#include "decide/sample_action.h"
#include "ingest/demo_generator.h"
#include "ingest/demo_response.h"

namespace icrm::decide {

Status validate(const SimulationOptions& o) {
  if (o.days < 1 || o.days > kMaxSimulationDays)
    return Error::invalid(fmt::format("days must be from 1 to {}", kMaxSimulationDays), "days");
  if (o.seeds < 2 || o.seeds > kMaxSimulationSeeds)
    return Error::invalid(
        fmt::format("seeds must be from 2 to {} (an interval needs two)", kMaxSimulationSeeds),
        "seeds");
  if (o.leads_per_day < 1 || o.leads_per_day > kMaxLeadsPerDay)
    return Error::invalid(fmt::format("leads per day must be from 1 to {}", kMaxLeadsPerDay),
                          "leads_per_day");
  if (!(o.high_share >= 0 && o.medium_share >= 0 && o.high_share + o.medium_share <= 1))
    return Error::invalid("the High and Medium shares must be at least 0 and add up to at most 1",
                          "high_share");
  if (!(o.score_noise >= 0 && o.score_noise <= 10))
    return Error::invalid("score noise must be from 0 to 10", "score_noise");
  if (!(o.rules_exploration > 0 && o.rules_exploration <= 1))
    return Error::invalid("the logged rules' exploration must be above 0 and at most 1",
                          "rules_exploration");
  if (o.min_delay_days < 0 || o.max_delay_days < o.min_delay_days ||
      o.max_delay_days > kMaxSimulationDays)
    return Error::invalid("outcome delays must satisfy 0 <= min <= max <= 3650 days",
                          "max_delay_days");
  if (o.truth_cohort < 1 || o.truth_cohort > 10'000'000)
    return Error::invalid("the truth cohort must be from 1 to 10,000,000 leads", "truth_cohort");
  return validate(o.bandit);
}

namespace {

struct SimLead {
  ingest::LeadTruth truth;
  DecisionContext context;
  double luck = 0;  // the uniform draw compared with P(convert | action)
  int day = 0, delay = 0;
};

double logit(double p) { return std::log(p / (1 - p)); }

// What the records would show of a simulated lead when it is decided on,
// the day it arrived: its source and size, its behaviour so far (all of it
// inside the engagement window), age 0 and just heard from.
LeadSignals simulated_signals(const ingest::LeadTruth& t) {
  LeadSignals s;
  s.source = std::string(ingest::demo_lead_source_name(t.source));
  s.employees = t.employees;
  s.page_views = t.page_views;
  s.email_opens = t.email_opens;
  s.email_clicks = t.email_clicks;
  s.form_submits = t.form_submitted ? 1 : 0;
  s.meetings = t.meeting_held ? 1 : 0;
  s.days_since_last_event = 0;
  return s;
}

// A lead as the team sees it: the scoring model's noisy estimate of the
// truth, and the lead's own features (LeadFeatureSpec::standard()).
SimLead draw_lead(Rng& rng, std::size_t i, const SimulationOptions& o) {
  SimLead l;
  l.truth = ingest::draw_demo_lead(rng, i);
  const double p = ingest::true_conversion_probability(l.truth);
  l.context.probability = 1 / (1 + std::exp(-(logit(p) + o.score_noise * rng.normal())));
  l.context.value = ingest::demo_deal_value_eur(l.truth);
  l.context.features = LeadFeatureSpec::standard().encode(simulated_signals(l.truth));
  l.luck = rng.uniform();
  l.delay = o.min_delay_days + rng.below(o.max_delay_days - o.min_delay_days + 1);
  return l;
}

double true_probability(const SimLead& l, Action a) {
  return ingest::true_touch_conversion_probability(l.truth,
                                                   static_cast<ingest::DemoTouch>(index(a)));
}

// The ceiling: the step with the highest true utility P(convert | lead, a)·V − C(a),
// which only the simulator can know.
ActionProbabilities oracle_probabilities(const SimLead& l, const ActionCosts& costs) {
  Action best = Action::kNurture;
  double best_u = -INFINITY;
  for (Action a : kActions) {
    const double u = expected_utility(true_probability(l, a), l.context.value, costs.of(a));
    if (u > best_u) {
      best_u = u;
      best = a;
    }
  }
  ActionProbabilities p{};
  p[index(best)] = 1;
  return p;
}

enum class PolicyKind { kRandom, kRules, kLoggedRules, kBandit, kOracle };

struct RunOutput {
  PolicyResult result;
  std::vector<LoggedDecision> log;
};

void add(PolicyResult& r, const SimLead& l, Action a, bool converted, const ActionCosts& costs) {
  ++r.leads;
  r.action_share[index(a)] += 1;
  r.cost += costs.of(a);
  if (is_automated(a)) r.automated_share += 1;
  if (converted) {
    ++r.conversions;
    r.revenue += l.context.value;
  }
}

void finish(PolicyResult& r) {
  const double n = std::max<double>(1, static_cast<double>(r.leads));
  r.conversion_rate = static_cast<double>(r.conversions) / n;
  r.net = r.revenue - r.cost;
  r.automated_share /= n;
  for (double& s : r.action_share) s /= n;
}

RunOutput run(PolicyKind kind, const std::vector<SimLead>& leads, const SimulationOptions& o,
              std::uint64_t seed, ThompsonBandit* bandit) {
  RunOutput out;
  Rng rng(seed ^ (0x9E37ull * (static_cast<std::uint64_t>(kind) + 1)));
  struct Pending {
    int reveal_day;
    std::size_t lead;
    Action action;
    bool converted;
  };
  std::deque<Pending> pending;  // in reveal order per decision day; sorted on delivery
  std::vector<Pending> due;
  std::size_t next = 0;
  for (int day = 0; day < o.days; ++day) {
    if (bandit) {
      due.clear();
      for (auto it = pending.begin(); it != pending.end();) {
        if (it->reveal_day <= day) {
          due.push_back(*it);
          it = pending.erase(it);
        } else {
          ++it;
        }
      }
      if (o.online_updates) {
        for (const Pending& p : due)
          bandit->update(leads[p.lead].context, p.action, p.converted ? 1 : 0);
        due.clear();
      }
      std::vector<ThompsonBandit::Outcome> outcomes;
      outcomes.reserve(due.size());
      for (const Pending& p : due)
        outcomes.push_back({leads[p.lead].context, p.action, p.converted ? 1.0 : 0.0});
      bandit->update_batch(outcomes);
    }
    for (; next < leads.size() && leads[next].day == day; ++next) {
      const SimLead& l = leads[next];
      ActionProbabilities p;
      switch (kind) {
        case PolicyKind::kRandom:
          p = uniform_probabilities();
          break;
        case PolicyKind::kRules:
          p = rules_probabilities(l.context.tier);
          break;
        case PolicyKind::kLoggedRules:
          p = rules_probabilities(l.context.tier, o.rules_exploration);
          break;
        case PolicyKind::kBandit:
          p = bandit->probabilities(l.context);
          break;
        case PolicyKind::kOracle:
          p = oracle_probabilities(l, o.bandit.costs);
          break;
      }
      Action a = sample_action(p, rng);
      bool converted = l.luck < true_probability(l, a);
      add(out.result, l, a, converted, o.bandit.costs);
      if (kind == PolicyKind::kLoggedRules)
        out.log.push_back({.context = l.context,
                           .action = a,
                           .propensity = p[index(a)],
                           .reward = converted ? 1.0 : 0.0});
      if (bandit) pending.push_back({day + l.delay, next, a, converted});
    }
  }
  finish(out.result);
  return out;
}

void pool(PolicyResult& into, const PolicyResult& r) {
  into.leads += r.leads;
  into.conversions += r.conversions;
  into.revenue += r.revenue;
  into.cost += r.cost;
  into.automated_share += r.automated_share * static_cast<double>(r.leads);
  for (std::size_t a = 0; a < kActionCount; ++a)
    into.action_share[a] += r.action_share[a] * static_cast<double>(r.leads);
}

// The 0.975 quantile of Student's t with df degrees of freedom.
double t975(std::size_t df) {
  static const double table[] = {12.706, 4.303, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
                                 2.228,  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
                                 2.101,  2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
                                 2.056,  2.052, 2.048, 2.045, 2.042, 2.042};
  if (df == 0) return INFINITY;
  return df <= 30 ? table[df - 1] : kZ95;
}

Interval t_interval(const std::vector<double>& x) {
  Interval iv;
  for (double v : x) iv.mean += v / static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - iv.mean) * (v - iv.mean);
  double se =
      x.size() > 1
          ? std::sqrt(ss / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()))
          : 0;
  double half = t975(x.size() - 1) * se;
  iv.ci_low = iv.mean - half;
  iv.ci_high = iv.mean + half;
  return iv;
}

SeedResult simulate_seed(const SimulationOptions& o, std::uint64_t seed,
                         const std::function<void()>& step, std::vector<LoggedDecision>* keep_log) {
  SeedResult s;
  s.seed = seed;
  Rng rng(seed);
  // Capacity thresholds from a warm-up cohort (the leads of the weeks before).
  const std::size_t warmup = static_cast<std::size_t>(std::max(1000, 14 * o.leads_per_day));
  std::vector<double> scores;
  for (std::size_t i = 0; i < warmup; ++i)
    scores.push_back(draw_lead(rng, i, o).context.probability);
  s.thresholds = *thresholds_for_capacity(scores, static_cast<std::size_t>(o.high_share * warmup),
                                          static_cast<std::size_t>(o.medium_share * warmup));
  std::vector<SimLead> leads;
  for (int day = 0; day < o.days; ++day)
    for (int k = 0; k < o.leads_per_day; ++k) {
      SimLead l = draw_lead(rng, leads.size(), o);
      l.day = day;
      l.context.tier = tier_of(l.context.probability, s.thresholds);
      leads.push_back(std::move(l));
    }
  s.random = run(PolicyKind::kRandom, leads, o, seed, nullptr).result;
  step();
  s.rules = run(PolicyKind::kRules, leads, o, seed, nullptr).result;
  step();
  s.oracle = run(PolicyKind::kOracle, leads, o, seed, nullptr).result;
  ThompsonBandit bandit(LeadFeatureSpec::standard().size(), o.bandit);
  s.bandit = run(PolicyKind::kBandit, leads, o, seed, &bandit).result;
  step();

  // Off-policy check: the ε-soft rules' log, the bandit's final policy.
  RunOutput logged = run(PolicyKind::kLoggedRules, leads, o, seed, nullptr);
  s.ope.logged_conversion_rate = logged.result.conversion_rate;
  std::vector<ActionProbabilities> target;
  target.reserve(logged.log.size());
  for (const LoggedDecision& d : logged.log) target.push_back(bandit.probabilities(d.context));
  s.ope.ips = ips(logged.log, target);
  s.ope.snips = snips(logged.log, target);
  s.ope.dr = doubly_robust(logged.log, target, cross_fitted_reward_model(logged.log));
  Rng fresh(seed ^ 0xF2E5Bull);
  Rng pick(seed ^ 0xC0FFEEull);  // apart from `fresh`, so the cohort is the same leads as ever
  double value = 0, greedy_value = 0;
  for (int i = 0; i < o.truth_cohort; ++i) {
    SimLead l = draw_lead(fresh, static_cast<std::size_t>(i), o);
    l.context.tier = tier_of(l.context.probability, s.thresholds);
    const BanditChoice choice = bandit.choose(l.context, pick);
    for (Action a : kActions) value += choice.probabilities[index(a)] * true_probability(l, a);
    const auto greedy = std::max_element(choice.mean_utility.begin(), choice.mean_utility.end());
    greedy_value += true_probability(
        l, kActions[static_cast<std::size_t>(greedy - choice.mean_utility.begin())]);
  }
  s.ope.true_value = value / o.truth_cohort;
  s.ope.greedy_true_value = greedy_value / o.truth_cohort;
  auto covers = [&](const Estimate& e) {
    return e.ci_low <= s.ope.true_value && s.ope.true_value <= e.ci_high;
  };
  s.ope.ips_covers = covers(s.ope.ips);
  s.ope.snips_covers = covers(s.ope.snips);
  s.ope.dr_covers = covers(s.ope.dr);
  if (keep_log) *keep_log = std::move(logged.log);
  step();
  return s;
}

boost::json::object policy_json(const PolicyResult& r) {
  boost::json::object shares;
  for (Action a : kActions) shares[action_name(a)] = r.action_share[index(a)];
  return {{"leads", r.leads},
          {"conversions", r.conversions},
          {"conversion_rate", r.conversion_rate},
          {"revenue", r.revenue},
          {"cost", r.cost},
          {"net_revenue", r.net},
          {"automated_share", r.automated_share},
          {"action_share", shares}};
}

boost::json::object interval_json(const Interval& i) {
  return {{"mean", i.mean}, {"ci_low", i.ci_low}, {"ci_high", i.ci_high}};
}

}  // namespace

Result<SimulationReport> simulate(const SimulationOptions& o,
                                  const std::function<void(std::size_t, std::size_t)>& progress) {
  if (Status st = validate(o); !st) return st.error();
  SimulationReport report;
  report.options = o;
  const std::size_t total = static_cast<std::size_t>(o.seeds) * 4;
  std::size_t done = 0;
  auto step = [&] {
    ++done;
    if (progress) progress(done, total);
  };
  std::vector<double> dc_random, dc_bandit, dc_oracle;
  for (int k = 0; k < o.seeds; ++k) {
    SeedResult s = simulate_seed(o, o.seed + static_cast<std::uint64_t>(k), step,
                                 k == 0 ? &report.first_seed_log : nullptr);
    pool(report.random, s.random);
    pool(report.rules, s.rules);
    pool(report.bandit, s.bandit);
    pool(report.oracle, s.oracle);
    if (s.rules.conversion_rate > 0) {
      dc_random.push_back((s.random.conversion_rate - s.rules.conversion_rate) /
                          s.rules.conversion_rate);
      dc_bandit.push_back((s.bandit.conversion_rate - s.rules.conversion_rate) /
                          s.rules.conversion_rate);
      dc_oracle.push_back((s.oracle.conversion_rate - s.rules.conversion_rate) /
                          s.rules.conversion_rate);
    }
    report.dr_covered += s.ope.dr_covers;
    report.ips_covered += s.ope.ips_covers;
    report.snips_covered += s.ope.snips_covers;
    report.seeds.push_back(std::move(s));
  }
  for (PolicyResult* r : {&report.random, &report.rules, &report.bandit, &report.oracle}) {
    const double n = std::max<double>(1, static_cast<double>(r->leads));
    r->conversion_rate = static_cast<double>(r->conversions) / n;
    r->net = r->revenue - r->cost;
    r->automated_share /= n;
    for (double& s : r->action_share) s /= n;
  }
  report.delta_c_random = t_interval(dc_random);
  report.delta_c_bandit = t_interval(dc_bandit);
  report.delta_c_oracle = t_interval(dc_oracle);
  return report;
}

std::string SimulationReport::to_json() const {
  namespace json = boost::json;
  json::object policies;
  policies["random"] = policy_json(random);
  policies["rules"] = policy_json(rules);
  policies["bandit"] = policy_json(bandit);
  policies["random"].as_object()["delta_c"] = interval_json(delta_c_random);
  policies["bandit"].as_object()["delta_c"] = interval_json(delta_c_bandit);
  json::object oracle_json = policy_json(oracle);
  oracle_json["delta_c"] = interval_json(delta_c_oracle);
  oracle_json["note"] =
      "knows the hidden truth: the ceiling for the bandit's utility objective, not a policy";
  json::array per_seed;
  for (const SeedResult& s : seeds) {
    json::object ope{{"logged_policy", fmt::format("rules, ε = {}", options.rules_exploration)},
                     {"logged_conversion_rate", s.ope.logged_conversion_rate},
                     {"bandit_true_value", s.ope.true_value},
                     {"bandit_greedy_true_value", s.ope.greedy_true_value},
                     {"ips", decide::to_json(s.ope.ips)},
                     {"snips", decide::to_json(s.ope.snips)},
                     {"dr", decide::to_json(s.ope.dr)},
                     {"dr_covers", s.ope.dr_covers},
                     {"ips_covers", s.ope.ips_covers},
                     {"snips_covers", s.ope.snips_covers}};
    per_seed.push_back(
        json::object{{"seed", s.seed},
                     {"theta", s.thresholds.theta},
                     {"theta1", s.thresholds.theta1},
                     {"conversion_rate", json::object{{"random", s.random.conversion_rate},
                                                      {"rules", s.rules.conversion_rate},
                                                      {"bandit", s.bandit.conversion_rate},
                                                      {"oracle", s.oracle.conversion_rate}}},
                     {"off_policy", ope}});
  }
  json::object opts{{"days", options.days},
                    {"seed", options.seed},
                    {"seeds", options.seeds},
                    {"leads_per_day", options.leads_per_day},
                    {"high_share", options.high_share},
                    {"medium_share", options.medium_share},
                    {"score_noise", options.score_noise},
                    {"rules_exploration", options.rules_exploration},
                    {"bandit_exploration", options.bandit.exploration},
                    {"min_delay_days", options.min_delay_days},
                    {"max_delay_days", options.max_delay_days}};
  json::object costs;
  for (Action a : kActions) costs[action_name(a)] = options.bandit.costs.of(a);
  opts["costs"] = costs;
  json::object summary{{"delta_c_bandit", interval_json(delta_c_bandit)},
                       {"delta_c_random", interval_json(delta_c_random)},
                       {"delta_c_oracle", interval_json(delta_c_oracle)},
                       {"goal_bandit_10pct_over_rules", delta_c_bandit.mean >= 0.10},
                       {"goal_bandit_10pct_over_rules_at_ci_low", delta_c_bandit.ci_low >= 0.10},
                       {"off_policy_dr_covered_seeds", dr_covered},
                       {"off_policy_ips_covered_seeds", ips_covered},
                       {"off_policy_snips_covered_seeds", snips_covered},
                       {"seeds", seeds.size()}};
  json::object root{{"policies", policies},
                    {"oracle", oracle_json},
                    {"summary", summary},
                    {"options", opts},
                    {"per_seed", per_seed}};
  return json::serialize(root);
}

}  // namespace icrm::decide
