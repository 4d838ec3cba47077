// DecisionService: the decision stage run against the CRM's records. For one
// lead it takes the latest score, puts the lead in a tier (eq. 21, with the
// reason), values each action by U = P·V − C (eq. 22, P from the bandit's
// posterior for that action), lets the Thompson-sampling bandit choose
// (eq. 23, with the propensity it used; every active step negative → nurture),
// and stores the decision together with the activity it recommends — assigned
// to the lead's owner or the rep with the most free capacity, due within the
// tier's service time in working hours, never a second one while a next step
// of the lead is open (DecisionStore::record). Each new decision is published
// on the EventBus as topic "decision".
//
// Outcomes (from the API, from activities, from events, or "no conversion"
// once the horizon passed) are stored once and update the bandit's persisted
// posterior in the same step, so every instance learns from every outcome.
//
// Thread-safe: any thread may call any method (the random stream is guarded;
// everything else lives in the database).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/event_bus.h"
#include "core/random.h"
#include "core/result.h"
#include "decide/decision_record.h"
#include "decide/decision_settings.h"
#include "decide/lead_features.h"
#include "decide/off_policy.h"
#include "decide/thompson_bandit.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/decision_store.h"

namespace icrm::app {

// The thresholds a decision used and how they were found.
struct ThresholdsInForce {
  decide::TierThresholds thresholds;
  decide::ThresholdMode mode = decide::ThresholdMode::kAdmin;
  std::string basis;  // e.g. "capacity: 3 reps × 8 calls = 24 High of 120 open leads"
};

// How long computed (capacity, utility) thresholds are reused before the open
// leads' scores are read again.
inline constexpr std::chrono::seconds kThresholdCacheTtl{60};

class DecisionService {
 public:
  // `bus` may be null (no "decision" messages). `seed` seeds the stream
  // actions are drawn with. `features`: the lead features the bandit decides
  // on (the deployment's; a test may pass another vocabulary).
  DecisionService(store::Database& db, const Clock& clock, EventBus* bus, uint64_t seed,
                  decide::LeadFeatureSpec features = decide::LeadFeatureSpec::standard());

  // The admin's settings, or the defaults when none were saved.
  Result<decide::DecisionSettings> settings();
  Status save_settings(const store::Actor& actor, const decide::DecisionSettings& s);
  Result<ThresholdsInForce> thresholds(const decide::DecisionSettings& s);

  // Decides for one lead now and stores the decision with its activity.
  // Errors: not_found (lead), conflict (lead closed, no score yet, or an open
  // next step exists — field "lead_id").
  Result<store::DecisionRecord> decide(int64_t lead_id, decide::DecisionTrigger trigger);

  // Feedback. record_outcome stores the outcome once (a second one is a
  // conflict) and updates the bandit; `reward` defaults to default_reward().
  Result<store::DecisionRecord> record_outcome(int64_t decision_id, decide::OutcomeKind outcome,
                                               std::optional<double> reward,
                                               std::string_view source);
  // A rep took the recommended step on.
  Result<store::DecisionRecord> accept(const store::Actor& actor, int64_t decision_id);
  // A rep refused it (reason required, at most store::kMaxRejectReasonLength
  // bytes): the activity is cancelled and the outcome is "rejected".
  Result<store::DecisionRecord> reject(const store::Actor& actor, int64_t decision_id,
                                       std::string_view reason);
  // The step was done: the activity is marked done (and the decision
  // accepted); the outcome waits for the lead's response within the horizon.
  Result<store::DecisionRecord> complete(const store::Actor& actor, int64_t decision_id);
  // The feedback loop from the records: every pending decision whose lead
  // converted within the horizon (status converted, or a purchase event)
  // gets "converted"; one whose horizon passed gets "engaged" when the lead
  // responded (email_click or meeting event, an inbound message), else
  // "no_conversion". Each updates the bandit. Returns how many were closed.
  Result<int> infer_outcomes();

  // Every decision with an outcome, as off-policy evaluation and training
  // read them (the context the bandit saw — score, tier, value and the lead's
  // features —, the action, its propensity, the reward): the training labels
  // of the feedback loop. Decisions logged with another feature set than
  // this service's are left out (and counted in *other_features).
  Result<std::vector<decide::LoggedDecision>> labelled_decisions(
      std::size_t* other_features = nullptr);

  // The bandit as persisted (prior where an action has no stored posterior),
  // with the settings' costs and exploration; and how many outcomes it saw.
  // A stored posterior learned on another design than features().design_names()
  // (another feature set, or one stored before names were kept) is not
  // applied: that action starts from its prior, and *reset says which ones
  // and why (empty when none). Never mis-aligned: the names are compared.
  Result<decide::ThompsonBandit> load_bandit(const decide::DecisionSettings& s,
                                             int64_t* outcomes = nullptr,
                                             std::string* reset = nullptr);

  // The lead's features now, in features().names() order, from its record
  // (source, attribute "employees", created_at) and its events of the last
  // kEngagementWindow.
  Result<std::vector<double>> lead_features(const store::Lead& lead);
  const decide::LeadFeatureSpec& features() const { return features_; }

 private:
  Result<double> deal_value(const store::Lead& lead, const decide::DecisionSettings& s);
  Result<std::optional<int64_t>> assignee(const store::Lead& lead);
  Status learn(const store::DecisionRecord& d, double reward);

  store::Database& db_;
  const Clock& clock_;
  EventBus* bus_;
  const decide::LeadFeatureSpec features_;
  const std::vector<std::string> design_names_;  // features_.design_names()
  store::DecisionStore decisions_;
  std::mutex mutex_;
  Rng rng_;                                  // GUARDED_BY(mutex_)
  std::optional<ThresholdsInForce> cached_;  // GUARDED_BY(mutex_)
  std::string cached_settings_;              // GUARDED_BY(mutex_): the settings cached_ is for
  Timestamp cached_at_{};                    // GUARDED_BY(mutex_)
};

}  // namespace icrm::app
