// LiveScorer: re-scores a lead as its behaviour arrives. It follows the
// stream (app::StreamObserver): for every lead an applied group of events
// touched, it takes the lead's window features from the live stream state
// through stream::FeatureSpec — the names training used — and hands them to
// its own scoring thread, so the stream worker never waits on scoring or on
// the database. Leads waiting for that thread are coalesced: a lead touched
// by several groups meanwhile is scored once, with its newest features. The
// thread wakes as soon as a group is settled (no tick). It scores the row a
// batch scoring run builds (features::lead_row: fields, attributes, history
// aggregates, behaviour) with the ACTIVE lead model as score_table(), the
// batch path, would — probability, score (the hybrid rank R(L) when the
// hybrid model is active), rank among the latest scores, tier — but without
// building a table per event: a lead's cells from its record are kept (for
// kLiveCellsMaxAge, and until the record is read again), and only its
// behaviour columns are written from the window features before the model's
// FeatureSpec encodes the row.
//
// History is throttled (docs/architecture.md "Live scoring" argues the
// defaults): a lead gets a `scores` row, and `latest_scores` is replaced, when
// its tier changes, or when `min_interval` has passed since its last row and
// its probability moved by at least `min_change`. A burst of events for one
// lead so writes one row, not one per event. Each row is published on the
// EventBus (topic "score") once the round's rows are stored (one
// transaction); a tier change is then also stored as an alert (kind
// tier_change) and published (topic "alert"). The score frames of a round go
// out before any of its alerts are written. Top factors are computed only
// for the scores that are written. Both messages carry the lead's `owner_id`
// (null when unassigned, as of the record last read) for the live stream's
// access filter (api/sse_hub.h).
//
// No active lead model: nothing is scored (never an invented score); stats()
// says so, and the events are counted as skipped. The active model is looked
// up again every `model_check` of the clock, or at the next group after
// refresh_model().
//
// Thread-safety: applied() and settle() come from the stream worker's thread
// only; drain(), stats() and refresh_model() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/stream_observer.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "models/model_bundle.h"
#include "store/database.h"
#include "store/lead_store.h"
#include "store/record_history.h"
#include "stream/feature_spec.h"

namespace icrm::app {

// Defaults; `serve --score-interval` and friends override them.
inline constexpr std::chrono::seconds kDefaultScoreInterval{60};
inline constexpr double kDefaultMinScoreChange = 0.01;
inline constexpr std::chrono::seconds kDefaultLeadRefresh{30};
inline constexpr std::chrono::seconds kDefaultModelCheck{5};
// Tier-change alerts stored per second of the clock, at most (the rest are
// counted): a new model can move thousands of leads at once.
inline constexpr int kMaxTierAlertsPerSecond = 100;
// Leads whose record and throttle state are kept; past it the cache starts
// over (their state is read again from the database).
inline constexpr std::size_t kMaxCachedLeads = 200'000;

// How long a lead's cells from its record (fields, attributes, history
// aggregates such as days since the last message) are reused between
// re-scorings; only its behaviour columns are filled anew for each.
inline constexpr std::chrono::seconds kLiveCellsMaxAge{1};

struct LiveScoringOptions {
  std::chrono::microseconds min_interval = kDefaultScoreInterval;
  double min_change = kDefaultMinScoreChange;
  std::chrono::microseconds lead_refresh = kDefaultLeadRefresh;
  std::chrono::microseconds model_check = kDefaultModelCheck;
  std::size_t top_factors = 3;
  int max_tier_alerts_per_second = kMaxTierAlertsPerSecond;
  std::size_t max_cached_leads = kMaxCachedLeads;
};

struct LiveScoringStats {
  int64_t model_id = 0;      // the active lead model scoring; 0 when none
  std::string state;         // "scoring", "no active lead model", or why the model cannot score
  int64_t rescored = 0;      // leads scored (once per lead per group)
  int64_t rows_written = 0;  // score history rows (= "score" messages)
  int64_t tier_changes = 0;
  int64_t tier_alerts_suppressed = 0;
  int64_t skipped_no_model = 0;  // leads touched while no model could score
  int64_t skipped_closed = 0;    // converted or lost leads (only open leads are scored)
  int64_t errors = 0;            // database or scoring failures (logged)
  // Where the scoring thread's time goes (bench/live_latency_bench prints it).
  int64_t rounds = 0;        // rounds scored: each takes every lead waiting
  int64_t round_micros = 0;  // steady-clock time inside rounds, all of it
  int64_t stores = 0;        // rounds that stored rows
  int64_t store_micros = 0;  // of which storing score rows (one transaction a round)
  int64_t loads = 0;         // leads' records read (cache misses and refreshes)
  int64_t load_micros = 0;   // of which reading them
  int64_t rank_micros = 0;   // of which ranking the written scores
  int64_t max_round_micros = 0;
};

class LiveScorer final : public app::StreamObserver {
 public:
  // REQUIRES: db, clock and bus outlive the scorer.
  LiveScorer(store::Database& db, const Clock& clock, EventBus& bus,
             LiveScoringOptions options = {});
  ~LiveScorer() override;  // scores what is waiting, then stops the thread

  void applied(std::span<const ingest::Event> events, const stream::StreamState& state,
               const ingest::EventTypeRegistry& types, Timestamp now) override;
  void settle(Timestamp now) override;
  void drain() override;

  LiveScoringStats stats() const;
  void refresh_model() { refresh_model_ = true; }

 private:
  struct ActiveModel;
  struct LeadState {
    std::optional<store::Lead> lead;  // nullopt: no such lead
    std::vector<store::RecordFact> facts;
    Timestamp loaded_at{};
    std::optional<std::string> tier;  // of its latest stored score
    double probability = 0;
    std::optional<Timestamp> written_at;
    // The row's cells from the record for the model's columns (behaviour
    // columns empty), as of cells_at, for plan generation cells_generation
    // (0: none yet).
    std::vector<std::string> cells;
    Timestamp cells_at{};
    uint64_t cells_generation = 0;
  };
  struct LiveScore {
    double score = 0, probability = 0;
    std::string_view tier;
  };
  struct Touched {
    int64_t lead_id = 0;
    Timestamp t{};
    uint64_t group = 0;  // applied() call that last extracted it
    // The spec the features were extracted with (stream spec order); null
    // when they were not extracted because no model could score them.
    std::shared_ptr<const stream::FeatureSpec> spec;
    std::vector<double> features;
  };

  void run();
  void score_round(std::vector<Touched>& round, Timestamp now);
  void ensure_model(Timestamp now);
  // Which model columns come from the stream's features (`spec`), for the
  // active model. REQUIRES: model_, planned.
  void plan_row(std::shared_ptr<const stream::FeatureSpec> planned, Timestamp t);
  // The active model's score of the lead with the touched features: what
  // score_table() gives for features::lead_row's row, built without a table.
  // Leaves the row's cells and encoding in model_ (for explain()).
  LiveScore score_lead(LeadState& s, const Touched& touched);
  LeadState* lead_state(int64_t id, Timestamp now);
  void count(int64_t LiveScoringStats::*field, int64_t n = 1);

  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  const LiveScoringOptions options_;
  std::atomic<bool> refresh_model_{false};
  // What the scoring thread last found, read by applied() to skip feature
  // extraction while no model can score: whether a model is loaded, and when
  // the next look for one is due (unix microseconds of the clock).
  std::atomic<bool> model_loaded_{true};
  std::atomic<int64_t> next_model_check_us_{0};

  // Stream worker thread only.
  std::shared_ptr<const stream::FeatureSpec> spec_;  // the live stream's feature names
  std::size_t spec_types_ = 0;
  uint64_t group_ = 0;

  // Handed from the stream worker to the scoring thread.
  std::mutex pending_mutex_;
  std::condition_variable pending_cv_, idle_cv_;
  std::vector<Touched> pending_;                            // GUARDED_BY(pending_mutex_)
  std::unordered_map<int64_t, std::size_t> pending_index_;  // GUARDED_BY(pending_mutex_)
  std::optional<Timestamp> pending_now_;  // GUARDED_BY(pending_mutex_): settle()'s
  bool settled_ = false;   // GUARDED_BY(pending_mutex_): pending_ is complete up to a group
  bool scoring_ = false;   // GUARDED_BY(pending_mutex_): a round is being scored
  bool stopping_ = false;  // GUARDED_BY(pending_mutex_)

  // Scoring thread only.
  std::unique_ptr<ActiveModel> model_;
  std::optional<Timestamp> model_checked_at_;
  std::unordered_map<int64_t, LeadState> leads_;
  uint64_t model_generation_ = 0;  // bumped by plan_row()
  int64_t alert_second_ = 0;
  int alerts_this_second_ = 0;

  mutable std::mutex stats_mutex_;
  LiveScoringStats stats_;  // GUARDED_BY(stats_mutex_)

  std::thread thread_;  // last: starts after the members above exist
};

}  // namespace icrm::app
