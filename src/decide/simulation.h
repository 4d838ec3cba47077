// The decision simulator behind `insightcrm simulate`: runs the demo business
// forward for N days against its hidden ground truth (ingest/demo_response.h:
// leads respond differently to a call, an email, an offer and nurturing) and
// compares three policies on the same leads and the same luck (common random
// numbers): uniform random, the static Table VI rules, and the learning
// Thompson-sampling bandit. Outcomes reach the bandit only after a delay, as
// in a real pipeline. It also checks off-policy evaluation: an ε-soft run of
// the rules is logged, and the value the bandit's final policy would have
// had is estimated from that log (IPS, SNIPS, DR) and compared with its true
// value on a fresh cohort. Deterministic for a seed; no clock, no sleeping.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "decide/off_policy.h"
#include "decide/thompson_bandit.h"

namespace icrm::decide {

inline constexpr int kMaxSimulationDays = 3650;
inline constexpr int kMaxSimulationSeeds = 1000;
inline constexpr int kMaxLeadsPerDay = 100'000;

struct SimulationOptions {
  int days = 90;
  std::uint64_t seed = 1;  // seeds seed, seed+1, ..., seed+seeds-1
  int seeds = 10;
  int leads_per_day = 20;
  double high_share = 0.2;         // capacity: share of a day's leads the reps can call
  double medium_share = 0.3;       // and the next share they can follow up by email
  double score_noise = 0.5;        // sd of the scoring model's error on the true logit
  double rules_exploration = 0.1;  // ε of the logged rules run that off-policy evaluation reads
  int min_delay_days = 5, max_delay_days = 30;  // when an outcome becomes known
  bool online_updates = false;  // one Newton step per outcome instead of a day's batch
  int truth_cohort = 20'000;    // fresh leads on which the bandit's final policy is valued
  BanditConfig bandit;
};
// Every field in range; errors name the option ("days", "seeds", ...).
Status validate(const SimulationOptions& o);

struct PolicyResult {
  std::size_t leads = 0, conversions = 0;
  double conversion_rate = 0, revenue = 0, cost = 0, net = 0, automated_share = 0;
  PerAction action_share{};
};

struct OpeCheck {
  Estimate ips, snips, dr;
  double logged_conversion_rate = 0;  // the ε-soft rules' own rate
  double true_value = 0;              // the bandit's final policy on a fresh cohort, exactly
  double greedy_true_value = 0;  // its posterior-mean argmax (no sampling, no ε) on the same cohort
  bool dr_covers = false, ips_covers = false, snips_covers = false;
};

struct SeedResult {
  std::uint64_t seed = 0;
  TierThresholds thresholds;
  PolicyResult random, rules, bandit;
  PolicyResult oracle;  // knows the truth: the ceiling, not a policy anyone can run
  OpeCheck ope;
};

struct Interval {
  double mean = 0, ci_low = 0, ci_high = 0;
};

struct SimulationReport {
  SimulationOptions options;
  std::vector<SeedResult> seeds;
  PolicyResult random, rules, bandit, oracle;  // pooled over seeds
  // (C_policy − C_rules)/C_rules, 95 % t-interval over seeds
  Interval delta_c_random, delta_c_bandit, delta_c_oracle;
  int dr_covered = 0, ips_covered = 0, snips_covered = 0;
  std::vector<LoggedDecision> first_seed_log;  // the ε-soft rules' decisions of the first seed
  std::string to_json() const;
};

// `progress(done, total)` is called after each policy run.
Result<SimulationReport> simulate(
    const SimulationOptions& options,
    const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace icrm::decide
