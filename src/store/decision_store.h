// DecisionStore: the decision stage's tables (migration 0008) — the log of
// every decision (what off-policy evaluation and the feedback loop read),
// the admin's decision settings, and the bandit's posteriors per action.
//
// The one rule it owns: a lead never gets a second decision's activity while
// one of its next steps is open. record() checks and inserts in one write
// transaction with the lead's row locked (PostgreSQL `FOR UPDATE`; SQLite's
// BEGIN IMMEDIATE already serialises writers), so concurrent triggers for
// one lead store exactly one decision and the rest get a conflict.
// Thread-safe as Database is.
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/records.h"

namespace icrm::store {

// Order of the per-action columns: call, email, offer, nurture (decide::Action).
inline constexpr std::array<std::string_view, 4> kDecisionActions = {"call", "email", "offer",
                                                                     "nurture"};
// The activity kinds that count as an open next step of a lead.
inline constexpr std::array<std::string_view, 5> kNextStepKinds = {"call", "email", "offer",
                                                                   "nurture", "meeting"};
inline constexpr size_t kMaxDecisionListLimit = 500;
inline constexpr size_t kMaxRejectReasonLength = 1000;

struct DecisionRecord {
  int64_t id = 0;  // set by the store
  int64_t lead_id = 0;
  std::optional<int64_t> model_id;  // the scoring model whose score was used
  double score = 0;                 // S(L), the hybrid rank the tier is cut on
  double probability = 0;           // P(y=1|x) of the scoring model
  std::string tier;                 // high | medium | low
  double theta = 0, theta1 = 0;     // the thresholds used
  std::string threshold_mode;       // admin | capacity | utility
  double deal_value = 0;            // V
  std::array<double, 4> utility{};  // U(L, a) per action
  std::string action;               // the chosen action
  double propensity = 0;            // probabilities[action]
  std::array<double, 4> probabilities{};
  std::string policy;          // "bandit" or "utility" (every active step negative)
  int64_t bandit_version = 0;  // outcomes the bandit had learned from
  std::string context = "{}";  // JSON object: the design vector and its names
  std::string why;
  std::string triggered_by;  // on_demand | batch | score_event
  std::optional<int64_t> activity_id;
  Timestamp created_at{};
  std::optional<Timestamp> accepted_at;
  std::optional<Timestamp> rejected_at;
  std::optional<std::string> reject_reason;
  std::optional<std::string> outcome;  // converted | engaged | rejected | no_conversion
  std::optional<double> reward;        // in [0, 1]
  std::optional<Timestamp> outcome_at;
  std::optional<std::string> outcome_source;  // api | event | activity | horizon
};

boost::json::object to_json(const DecisionRecord& d);

struct DecisionFilter {
  std::optional<int64_t> lead_id;
  std::string action;  // "" for all
  std::string tier;    // "" for all
  // "pending" (no outcome yet), "known" (an outcome), or an outcome name; "" for all
  std::string outcome;
  std::optional<Timestamp> from, to;  // created_at >= from, < to
  std::optional<int64_t> owner_id;    // only decisions whose lead this user owns, or unassigned
  int64_t before_id = 0;              // the cursor; 0 = from the newest
  size_t limit = 50;
};

struct BanditPosterior {
  std::string action;
  size_t dimension = 0;
  std::vector<double> mean;        // dimension
  std::vector<double> covariance;  // dimension², row-major
  int64_t observations = 0;
  int64_t version = 0;
  Timestamp updated_at{};
  // The names of the design vector's entries it was learned in (migration
  // 0012); empty for one stored before the names were kept.
  std::vector<std::string> features;
};

// The figures of GET /api/v1/decisions/kpis, over decisions created in [from, to).
struct DecisionKpis {
  int64_t next_steps_automatic = 0;  // open-able steps created by the decision engine
  int64_t next_steps_manual = 0;     // created by a person
  int64_t decisions = 0;
  // Seconds from a decision to the first completed step of its lead (first touch).
  std::optional<double> mean_seconds_to_first_touch;
  std::optional<double> median_seconds_to_first_touch;
  int64_t touched = 0;
  struct TierConversion {
    std::string tier;
    int64_t decisions = 0;
    int64_t converted = 0;
  };
  std::vector<TierConversion> conversion_by_tier;  // high, medium, low
};

class DecisionStore {
 public:
  explicit DecisionStore(Database& db) : db_(db) {}

  // Stores `decision` and, when given, `activity` (its next step, created by
  // `actor`, audited) in one transaction. Conflict (field "lead_id", details
  // {"activity_id": N}) when the lead already has an open next step;
  // not_found for an unknown lead.
  Result<DecisionRecord> record(const Actor& actor, DecisionRecord decision,
                                std::optional<Activity> activity);
  // not_found for an unknown id.
  Result<DecisionRecord> get(int64_t id);
  // The lead's newest decision, or nullopt.
  Result<std::optional<DecisionRecord>> latest_for_lead(int64_t lead_id);
  // The decision that created this activity, or nullopt.
  Result<std::optional<DecisionRecord>> for_activity(int64_t activity_id);
  // Newest first.
  Result<std::vector<DecisionRecord>> list(const DecisionFilter& filter);
  // Every decision in id order from `after_id` on, at most `limit` (the log
  // eval-policy reads).
  Result<std::vector<DecisionRecord>> log(int64_t after_id, size_t limit);

  // Sets the outcome once: true when this call set it, false when the
  // decision already had one (left unchanged). not_found for an unknown id.
  Result<bool> set_outcome(int64_t id, std::string_view outcome, double reward,
                           std::string_view source, Timestamp at);
  Status mark_accepted(int64_t id, Timestamp at);
  Status mark_rejected(int64_t id, std::string_view reason, Timestamp at);
  // Decisions without an outcome, created before `before`, with an id above
  // `after_id`, in id order (a cursor over the pending ones).
  Result<std::vector<DecisionRecord>> pending_before(Timestamp before, int64_t after_id,
                                                     size_t limit);

  // How a lead responded in [from, to] (both ends included): when it converted (its status
  // became converted, or a purchase event of "lead:N"), and whether it
  // engaged (an email_click or meeting event, or an inbound message).
  struct LeadResponse {
    std::optional<Timestamp> converted_at;
    bool engaged = false;
  };
  Result<LeadResponse> lead_response(int64_t lead_id, Timestamp from, Timestamp to);
  // The events of "lead:N" in [from, to) (too late ones left out), per type:
  // how many and the newest one's time; the engagement a decision's
  // features read (by type name, in name order).
  struct EventActivity {
    std::string type;
    int64_t count = 0;
    Timestamp last{};
  };
  Result<std::vector<EventActivity>> lead_activity(int64_t lead_id, Timestamp from, Timestamp to);

  // The settings JSON text, or nullopt when an admin never saved any.
  Result<std::optional<std::string>> load_settings();
  Status save_settings(const Actor& actor, const std::string& settings_json, Timestamp at);

  Result<std::vector<BanditPosterior>> posteriors();
  // Reads the action's posterior (nullopt when none is stored), lets `update`
  // change it, and stores the result with version + 1, in one write
  // transaction (row locked on PostgreSQL), so updates from several
  // instances never overwrite each other.
  Result<BanditPosterior> update_posterior(
      std::string_view action,
      const std::function<BanditPosterior(std::optional<BanditPosterior>)>& update, Timestamp at);

  // What the decision stage asks of the other records.
  // An active rep (role rep, not disabled) with the fewest open activities
  // (the most free capacity; ties to the lowest id), or nullopt.
  Result<std::optional<int64_t>> rep_with_most_free_capacity();
  // Whether this user exists and is not disabled (an owner who can take a step).
  Result<bool> user_active(int64_t user_id);
  Result<int64_t> active_rep_count();
  // The latest score (S) and expected value (minor units, nullopt if unknown)
  // of every open lead (new, contacted, qualified) that has a score.
  struct OpenLeadScore {
    int64_t lead_id = 0;
    double score = 0;
    std::optional<int64_t> expected_value_minor;
  };
  Result<std::vector<OpenLeadScore>> open_lead_scores();
  // The mean expected value (minor units) of converted leads, nullopt when none.
  Result<std::optional<double>> average_won_value_minor();

  Result<DecisionKpis> kpis(std::optional<Timestamp> from, std::optional<Timestamp> to,
                            std::optional<int64_t> owner_id);

 private:
  Database& db_;
};

}  // namespace icrm::store
