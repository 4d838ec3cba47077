#include "app/decision_service.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "decide/working_hours.h"
#include "ingest/event_type.h"
#include "store/activity_store.h"
#include "store/lead_store.h"
#include "store/score_store.h"

namespace icrm::app {

using decide::Action;
using decide::action_name;
using decide::add_working_hours;
using decide::assign_tier;
using decide::BanditChoice;
using decide::BanditConfig;
using decide::BayesianLogistic;
using decide::DecisionContext;
using decide::DecisionSettings;
using decide::DecisionTrigger;
using decide::default_reward;
using decide::design_vector;
using decide::index;
using decide::kDesignPrefix;
using decide::kEngagementWindow;
using decide::LeadSignals;
using decide::logged_design;
using decide::LoggedDecision;
using decide::outcome_name;
using decide::OutcomeKind;
using decide::parse_action;
using decide::parse_tier;
using decide::settings_from_json;
using decide::ThompsonBandit;
using decide::threshold_mode_name;
using decide::ThresholdMode;
using decide::thresholds_for_capacity;
using decide::thresholds_for_utility;
using decide::Tier;
using decide::tier_name;
using decide::TierAssignment;
using decide::trigger_name;
using decide::ValueSource;
using decide::WorkingDay;

namespace {

BanditConfig bandit_config(const DecisionSettings& s) {
  BanditConfig c;
  c.costs = s.costs;
  c.exploration = s.exploration;
  return c;
}

// REQUIRES: names.size() == x.size().
std::string context_json(const std::vector<std::string>& names, const std::vector<double>& x,
                         double value) {
  boost::json::array n, values;
  for (size_t i = 0; i < x.size(); ++i) {
    n.emplace_back(names[i]);
    values.emplace_back(x[i]);
  }
  return boost::json::serialize(boost::json::object{{"names", n}, {"x", values}, {"value", value}});
}

// A stored posterior as a model, or nullopt when it was learned on another
// design than `names` (never applied to it: the entries would not line up).
std::optional<BayesianLogistic> restore_posterior(const store::BanditPosterior& p,
                                                  const std::vector<std::string>& names) {
  const std::size_t d = names.size();
  if (p.features != names || p.dimension != d || p.mean.size() != d || p.covariance.size() != d * d)
    return std::nullopt;
  const auto n = static_cast<Eigen::Index>(d);
  Eigen::VectorXd mean = Eigen::Map<const Eigen::VectorXd>(p.mean.data(), n);
  Eigen::MatrixXd cov =
      Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          p.covariance.data(), n, n);
  return BayesianLogistic::restore(mean, cov, static_cast<size_t>(p.observations));
}

double service_hours(const DecisionSettings& s, Tier t) {
  switch (t) {
    case Tier::kHigh:
      return s.service_hours_high;
    case Tier::kMedium:
      return s.service_hours_medium;
    case Tier::kLow:
      return s.service_hours_low;
  }
  return s.service_hours_low;
}

store::ActivityKind activity_kind(Action a) {
  switch (a) {
    case Action::kCall:
      return store::ActivityKind::kCall;
    case Action::kEmail:
      return store::ActivityKind::kEmail;
    case Action::kOffer:
      return store::ActivityKind::kOffer;
    case Action::kNurture:
      return store::ActivityKind::kNurture;
  }
  return store::ActivityKind::kNurture;
}

std::string subject(Action a, const store::Lead& lead, Tier t) {
  const char* what = a == Action::kCall    ? "Call"
                     : a == Action::kEmail ? "Follow-up e-mail to"
                     : a == Action::kOffer ? "Personalised offer for"
                                           : "Nurture step for";
  // Subjects have a length limit; a lead's name is within it, but be safe.
  std::string name = lead.name.substr(0, 200);
  return fmt::format("{} {} ({} priority)", what, name, tier_name(t));
}

std::string decision_message(const store::DecisionRecord& d, std::optional<int64_t> owner,
                             std::optional<Timestamp> due) {
  boost::json::object o{
      {"decision_id", d.id},
      {"lead_id", d.lead_id},
      {"tier", d.tier},
      {"action", d.action},
      {"propensity", d.propensity},
      {"activity_id", d.activity_id ? boost::json::value(*d.activity_id) : nullptr},
      {"owner_id", owner ? boost::json::value(*owner) : nullptr},
      {"due_at", due ? boost::json::value(format_timestamp(*due)) : nullptr},
      {"why", d.why},
      {"triggered_by", d.triggered_by},
      {"created_at", format_timestamp(d.created_at)}};
  return boost::json::serialize(o);
}

}  // namespace

DecisionService::DecisionService(store::Database& db, const Clock& clock, EventBus* bus,
                                 uint64_t seed, decide::LeadFeatureSpec features)
    : db_(db),
      clock_(clock),
      bus_(bus),
      features_(std::move(features)),
      design_names_(features_.design_names()),
      decisions_(db),
      rng_(seed) {}

Result<DecisionSettings> DecisionService::settings() {
  auto stored = decisions_.load_settings();
  if (!stored) return stored.error();
  if (!*stored) return DecisionSettings{};
  boost::system::error_code ec;
  auto v = boost::json::parse(**stored, ec);
  if (ec) return Error::internal("stored decision settings are not JSON");
  return settings_from_json(v);
}

Status DecisionService::save_settings(const store::Actor& actor, const DecisionSettings& s) {
  if (Status st = validate(s); !st) return st;
  auto saved = decisions_.save_settings(actor, boost::json::serialize(to_json(s)), clock_.now());
  if (saved) {
    std::lock_guard lock(mutex_);
    cached_.reset();
  }
  return saved;
}

Result<ThresholdsInForce> DecisionService::thresholds(const DecisionSettings& s) {
  if (s.mode == ThresholdMode::kAdmin) {
    return ThresholdsInForce{s.thresholds, s.mode,
                             fmt::format("set by an admin: θ={:.4f}, θ₁={:.4f}", s.thresholds.theta,
                                         s.thresholds.theta1)};
  }
  const std::string key = boost::json::serialize(to_json(s));
  const Timestamp now = clock_.now();
  {
    std::lock_guard lock(mutex_);
    if (cached_ && cached_settings_ == key && now - cached_at_ < kThresholdCacheTtl)
      return *cached_;
  }
  auto leads = decisions_.open_lead_scores();
  if (!leads) return leads.error();
  ThresholdsInForce out;
  out.mode = s.mode;
  if (leads->empty()) {
    out.thresholds = s.thresholds;
    out.basis = "no scored open leads yet: the admin's thresholds";
  } else if (s.mode == ThresholdMode::kCapacity) {
    auto reps = decisions_.active_rep_count();
    if (!reps) return reps.error();
    int64_t team = std::max<int64_t>(*reps, 1);
    std::vector<double> scores;
    for (const auto& l : *leads) scores.push_back(l.score);
    size_t high = static_cast<size_t>(team * s.calls_per_rep_per_day);
    size_t medium = static_cast<size_t>(team * s.follow_ups_per_rep_per_day);
    auto t = thresholds_for_capacity(scores, high, medium);
    if (!t) return t.error();
    out.thresholds = *t;
    out.basis = fmt::format(
        "capacity: {} reps × {} calls a day = at most {} High, {} × {} follow-ups = {} "
        "Medium, of {} open leads",
        team, s.calls_per_rep_per_day, high, team, s.follow_ups_per_rep_per_day, medium,
        scores.size());
  } else {
    auto won = decisions_.average_won_value_minor();
    if (!won) return won.error();
    std::vector<double> scores, values;
    for (const auto& l : *leads) {
      scores.push_back(l.score);
      double v = l.expected_value_minor ? *l.expected_value_minor / 100.0
                 : *won                 ? **won / 100.0
                                        : s.default_value;
      values.push_back(v);
    }
    auto t = thresholds_for_utility(scores, values, s.costs, BanditConfig{}.tier_lift);
    if (!t) return t.error();
    out.thresholds = *t;
    out.basis =
        fmt::format("utility: the cut points that maximise Σ U over {} open leads", scores.size());
  }
  std::lock_guard lock(mutex_);
  cached_ = out;
  cached_settings_ = key;
  cached_at_ = now;
  return out;
}

Result<double> DecisionService::deal_value(const store::Lead& lead, const DecisionSettings& s) {
  if (s.value_source == ValueSource::kExpectedValue && lead.expected_value_minor) {
    return *lead.expected_value_minor / 100.0;
  }
  auto won = decisions_.average_won_value_minor();
  if (!won) return won.error();
  if (*won) return **won / 100.0;
  if (lead.expected_value_minor) return *lead.expected_value_minor / 100.0;
  return s.default_value;
}

Result<std::optional<int64_t>> DecisionService::assignee(const store::Lead& lead) {
  if (lead.owner_id) {
    auto active = decisions_.user_active(*lead.owner_id);
    if (!active) return active.error();
    if (*active) return lead.owner_id;
  }
  return decisions_.rep_with_most_free_capacity();
}

Result<ThompsonBandit> DecisionService::load_bandit(const DecisionSettings& s, int64_t* outcomes,
                                                    std::string* reset) {
  ThompsonBandit bandit(features_.size(), bandit_config(s));
  auto stored = decisions_.posteriors();
  if (!stored) return stored.error();
  int64_t seen = 0;
  std::vector<std::string> stale;
  for (const auto& p : *stored) {
    auto action = parse_action(p.action);
    if (!action) continue;
    auto model = restore_posterior(p, design_names_);
    if (!model) {
      stale.push_back(fmt::format("{} (d={})", p.action, p.dimension));
      continue;
    }
    bandit.set_model(*action, std::move(*model));
    seen += p.observations;
  }
  if (outcomes) *outcomes = seen;
  if (reset) {
    reset->clear();
    if (!stale.empty()) {
      *reset = fmt::format(
          "the stored posteriors of {} were learned on another feature set and are not used: "
          "they start again from the prior on the {} features in force (d={})",
          fmt::join(stale, ", "), features_.size(), design_names_.size());
    }
  }
  return bandit;
}

Result<std::vector<double>> DecisionService::lead_features(const store::Lead& lead) {
  const Timestamp now = clock_.now();
  auto events = decisions_.lead_activity(lead.id, now - kEngagementWindow, now);
  if (!events) return events.error();
  using Days = std::chrono::duration<double, std::ratio<86400>>;
  LeadSignals s;
  s.source = lead.source;
  if (const auto* e = lead.attributes.if_contains("employees"); e && e->is_number()) {
    s.employees = e->to_number<double>();
  }
  s.age_days = std::max(0.0, std::chrono::duration_cast<Days>(now - lead.created_at).count());
  std::optional<Timestamp> last;
  for (const auto& a : *events) {
    const int n = static_cast<int>(std::min<int64_t>(a.count, std::numeric_limits<int>::max()));
    if (a.type == ingest::kBuiltinTypeNames[ingest::kPageView])
      s.page_views = n;
    else if (a.type == ingest::kBuiltinTypeNames[ingest::kEmailOpen])
      s.email_opens = n;
    else if (a.type == ingest::kBuiltinTypeNames[ingest::kEmailClick])
      s.email_clicks = n;
    else if (a.type == ingest::kBuiltinTypeNames[ingest::kFormSubmit])
      s.form_submits = n;
    else if (a.type == ingest::kBuiltinTypeNames[ingest::kMeeting])
      s.meetings = n;
    if (!last || a.last > *last) last = a.last;
  }
  if (last)
    s.days_since_last_event = std::max(0.0, std::chrono::duration_cast<Days>(now - *last).count());
  return features_.encode(s);
}

Result<store::DecisionRecord> DecisionService::decide(int64_t lead_id, DecisionTrigger trigger) {
  auto s = settings();
  if (!s) return s.error();
  store::LeadStore leads(db_, clock_);
  auto lead = leads.get(lead_id);
  if (!lead) return lead.error();
  if (lead->status == store::LeadStatus::kConverted || lead->status == store::LeadStatus::kLost) {
    return Error::conflict(
        fmt::format("lead {} is {}: nothing to decide", lead_id, store::to_string(lead->status)),
        "lead_id");
  }
  store::ScoreStore scores(db_);
  auto score = scores.latest("leads", lead_id);
  if (!score) return score.error();
  if (!*score) {
    return Error::conflict(
        fmt::format("lead {} has no score yet: train and score a lead model first", lead_id),
        "lead_id");
  }
  auto in_force = thresholds(*s);
  if (!in_force) return in_force.error();
  TierAssignment tier = assign_tier((*score)->score, in_force->thresholds);
  auto value = deal_value(*lead, *s);
  if (!value) return value.error();
  auto features = lead_features(*lead);
  if (!features) return features.error();
  int64_t outcomes = 0;
  std::string reset;
  auto bandit = load_bandit(*s, &outcomes, &reset);
  if (!bandit) return bandit.error();
  if (!reset.empty()) spdlog::warn("decision for lead {}: {}", lead_id, reset);

  DecisionContext ctx{(*score)->probability, tier.tier, *value, std::move(*features)};
  BanditChoice choice;
  {
    std::lock_guard lock(mutex_);
    choice = bandit->choose(ctx, rng_);
  }
  store::DecisionRecord d;
  d.lead_id = lead_id;
  d.model_id = (*score)->model_id;
  d.score = (*score)->score;
  d.probability = (*score)->probability;
  d.tier = std::string(tier_name(tier.tier));
  d.theta = in_force->thresholds.theta;
  d.theta1 = in_force->thresholds.theta1;
  d.threshold_mode = std::string(threshold_mode_name(in_force->mode));
  d.deal_value = *value;
  d.utility = choice.mean_utility;
  d.bandit_version = outcomes;
  d.context = context_json(design_names_, design_vector(ctx), *value);
  d.triggered_by = std::string(trigger_name(trigger));
  d.created_at = clock_.now();
  const bool all_negative = choice.mean_utility[index(Action::kCall)] < 0 &&
                            choice.mean_utility[index(Action::kEmail)] < 0 &&
                            choice.mean_utility[index(Action::kOffer)] < 0;
  Action action = choice.action;
  std::string how;
  if (all_negative) {
    action = Action::kNurture;
    d.policy = "utility";
    d.probabilities = {0, 0, 0, 1};
    d.propensity = 1;
    how = "every active step has negative utility: nurture";
  } else {
    d.policy = "bandit";
    d.probabilities = choice.probabilities;
    d.propensity = choice.propensity;
    how =
        fmt::format("Thompson sampling chose {} with probability {:.3f} (bandit after {} outcomes)",
                    action_name(action), choice.propensity, outcomes);
  }
  if (!reset.empty()) how += "; " + reset;
  d.action = std::string(action_name(action));
  d.why = fmt::format(
      "{} ({}); V={:.2f}; U=P·V−C: call {:.2f}, email {:.2f}, offer {:.2f}, nurture {:.2f}; {}",
      tier.reason, in_force->basis, *value, d.utility[0], d.utility[1], d.utility[2], d.utility[3],
      how);

  auto owner = assignee(*lead);
  if (!owner) return owner.error();
  store::Activity step;
  step.kind = activity_kind(action);
  step.subject = subject(action, *lead, tier.tier);
  step.due_at = add_working_hours(d.created_at, service_hours(*s, tier.tier),
                                  WorkingDay{s->workday_start_hour, s->workday_end_hour});
  step.owner_id = *owner;
  auto stored = decisions_.record(store::Actor::system(), d, step);
  if (!stored) return stored.error();
  if (bus_) bus_->publish({"decision", decision_message(*stored, *owner, step.due_at)});
  return stored;
}

Status DecisionService::learn(const store::DecisionRecord& d, double reward) {
  auto action = parse_action(d.action);
  auto logged = logged_design(d);
  if (!action || !logged) return {};  // nothing the bandit can learn from
  if (logged->names != design_names_) {
    // Decided under another feature set: its entries would not line up with
    // the posterior's. The outcome stays stored; the bandit does not learn it.
    spdlog::warn(
        "decision {}: logged with another feature set ({} entries, now {}); its outcome is kept, "
        "not learned",
        d.id, logged->names.size(), design_names_.size());
    return {};
  }
  auto s = settings();
  if (!s) return s.error();
  ThompsonBandit prior(features_.size(), bandit_config(*s));
  const std::size_t dim = design_names_.size();
  auto updated = decisions_.update_posterior(
      d.action,
      [&](std::optional<store::BanditPosterior> before) {
        BayesianLogistic model = prior.model(*action);
        if (before) {
          if (auto restored = restore_posterior(*before, design_names_)) {
            model = std::move(*restored);
          } else {
            spdlog::warn(
                "bandit posterior of {} was learned on another feature set (d={}): it starts again "
                "from "
                "the prior on the features in force (d={})",
                d.action, before->dimension, dim);
          }
        }
        model.update(logged->x, reward);
        store::BanditPosterior after;
        after.dimension = dim;
        after.features = design_names_;
        after.mean.assign(model.mean().data(), model.mean().data() + dim);
        Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major =
            model.covariance();
        after.covariance.assign(row_major.data(), row_major.data() + dim * dim);
        after.observations = static_cast<int64_t>(model.observations());
        return after;
      },
      clock_.now());
  if (!updated) return updated.error();
  return {};
}

Result<store::DecisionRecord> DecisionService::record_outcome(int64_t decision_id,
                                                              OutcomeKind outcome,
                                                              std::optional<double> reward,
                                                              std::string_view source) {
  double r = reward.value_or(default_reward(outcome));
  if (!(r >= 0 && r <= 1)) return Error::invalid("reward must be from 0 to 1", "reward");
  auto set = decisions_.set_outcome(decision_id, outcome_name(outcome), r, source, clock_.now());
  if (!set) return set.error();
  auto d = decisions_.get(decision_id);
  if (!d) return d.error();
  if (!*set) {
    return Error::conflict(fmt::format("decision {} already has its outcome ({})", decision_id,
                                       d->outcome.value_or("")),
                           "outcome");
  }
  if (Status st = learn(*d, r); !st) return st.error();
  return d;
}

Result<store::DecisionRecord> DecisionService::accept(const store::Actor& actor,
                                                      int64_t decision_id) {
  (void)actor;  // who accepted is in the audit of the activity's later changes
  if (Status st = decisions_.mark_accepted(decision_id, clock_.now()); !st) return st.error();
  return decisions_.get(decision_id);
}

Result<store::DecisionRecord> DecisionService::reject(const store::Actor& actor,
                                                      int64_t decision_id,
                                                      std::string_view reason) {
  if (reason.empty()) return Error::invalid("a rejection needs a reason", "reason");
  if (reason.size() > store::kMaxRejectReasonLength) {
    return Error::too_large(
        fmt::format("reason is longer than {} bytes", store::kMaxRejectReasonLength), "reason");
  }
  auto d = decisions_.get(decision_id);
  if (!d) return d.error();
  if (d->outcome) {
    return Error::conflict(
        fmt::format("decision {} already has its outcome ({})", decision_id, *d->outcome),
        "outcome");
  }
  if (Status st = decisions_.mark_rejected(decision_id, reason, clock_.now()); !st)
    return st.error();
  if (d->activity_id) {
    store::ActivityStore activities(db_, clock_);
    auto a = activities.get(*d->activity_id);
    if (a && a->status == store::ActivityStatus::kOpen) {
      if (auto c = activities.set_status(actor, *d->activity_id, store::ActivityStatus::kCancelled);
          !c) {
        return c.error();
      }
    }
  }
  return record_outcome(decision_id, OutcomeKind::kRejected, std::nullopt, "activity");
}

Result<store::DecisionRecord> DecisionService::complete(const store::Actor& actor,
                                                        int64_t decision_id) {
  auto d = decisions_.get(decision_id);
  if (!d) return d.error();
  if (!d->activity_id)
    return Error::conflict(fmt::format("decision {} has no activity", decision_id), "activity_id");
  store::ActivityStore activities(db_, clock_);
  if (auto c = activities.set_status(actor, *d->activity_id, store::ActivityStatus::kDone); !c)
    return c.error();
  if (!d->accepted_at) {
    if (Status st = decisions_.mark_accepted(decision_id, clock_.now()); !st) return st.error();
  }
  return decisions_.get(decision_id);
}

Result<int> DecisionService::infer_outcomes() {
  auto s = settings();
  if (!s) return s.error();
  const Timestamp now = clock_.now();
  const auto horizon = std::chrono::days(s->horizon_days);
  int closed = 0;
  for (int64_t after = 0;;) {
    auto pending = decisions_.pending_before(now, after, 500);
    if (!pending) return pending.error();
    if (pending->empty()) return closed;
    for (const auto& d : *pending) {
      after = d.id;
      const Timestamp end = std::min(now, d.created_at + horizon);
      auto response = decisions_.lead_response(d.lead_id, d.created_at, end);
      if (!response) return response.error();
      std::optional<OutcomeKind> outcome;
      const char* source = "event";
      if (response->converted_at) {
        outcome = OutcomeKind::kConverted;
      } else if (now >= d.created_at + horizon) {
        outcome = response->engaged ? OutcomeKind::kEngaged : OutcomeKind::kNoConversion;
        if (!response->engaged) source = "horizon";
      }
      if (!outcome) continue;
      auto r = record_outcome(d.id, *outcome, std::nullopt, source);
      if (!r && r.error().code != ErrorCode::kConflict) return r.error();
      if (r) ++closed;
    }
  }
}

Result<std::vector<LoggedDecision>> DecisionService::labelled_decisions(
    std::size_t* other_features) {
  std::vector<LoggedDecision> out;
  if (other_features) *other_features = 0;
  for (int64_t after = 0;;) {
    auto page = decisions_.log(after, 1000);
    if (!page) return page.error();
    if (page->empty()) return out;
    for (const auto& d : *page) {
      after = d.id;
      auto action = parse_action(d.action);
      auto tier = parse_tier(d.tier);
      if (!d.reward || !action || !tier) continue;
      auto logged = logged_design(d);
      if (!logged || logged->names != design_names_) {
        if (other_features) ++*other_features;
        continue;
      }
      LoggedDecision l;
      l.context =
          DecisionContext{d.probability, *tier, d.deal_value,
                          std::vector<double>(logged->x.begin() + kDesignPrefix, logged->x.end())};
      l.action = *action;
      l.propensity = d.propensity;
      l.reward = *d.reward;
      out.push_back(std::move(l));
    }
  }
}

}  // namespace icrm::app
