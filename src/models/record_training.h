// Training on the CRM's own records and scoring them: the lead-scoring
// (leads/converted) and churn (customers/churned) loop. train_on_records()
// builds the point-in-time table (features/record_table.h), runs the same
// pipeline as `train --csv` (every model against the rule baseline, metrics on
// held-out rows), registers the result as the next model version, and scores
// every open record with the active model. score_open_records() re-scores
// with the active model alone (after an activation). Scores keep their
// history (store/score_store.h).
#pragma once

#include <boost/json/array.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "models/explanation.h"
#include "models/trainer.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/model_registry.h"

namespace icrm::models {

// Progress as work advances: a stage, done and total (0 when unknown).
using StageProgress =
    std::function<void(std::string_view stage, std::size_t done, std::size_t total)>;

struct RecordTrainingOptions {
  std::string entity;  // "leads" | "customers"
  std::string target;  // "" = the entity's own ("converted", "churned")
  // Models, split, seed, exclusions and hyperparameters as for a CSV;
  // target, positive and column kinds are set from the records.
  TrainOptions train;
  bool activate = false;  // activate even when another version is active
  store::Actor actor = store::Actor::system();
  std::size_t top_factors = kDefaultTopFactors;
  StageProgress progress;
};

struct ScoringSummary {
  int64_t model_id = 0;
  int64_t model_version = 0;
  std::size_t scored = 0;
  std::size_t hot = 0, warm = 0, cold = 0;
};

struct RecordTrainingResult {
  TrainingRun run;
  store::ModelRecord model;  // as registered (bundle included)
  std::size_t labelled = 0, positives = 0;
  std::size_t events_used = 0;
  std::optional<ScoringSummary> scoring;  // nullopt when nothing is active
  std::vector<std::string> warnings;
};

// A score's top factors as stored with it (scores.factors): each
// {"column","value","contribution","unit","text","words"}.
boost::json::array factors_json(const std::vector<Factor>& factors, std::string_view unit);

Result<RecordTrainingResult> train_on_records(store::Database& db, const Clock& clock,
                                              const RecordTrainingOptions& options);

// Scores every open record of (entity, target) with its active model as of
// clock.now(). not_found when no model is active.
Result<ScoringSummary> score_open_records(store::Database& db, const Clock& clock,
                                          std::string_view entity, std::string_view target,
                                          std::size_t top_factors = kDefaultTopFactors,
                                          const StageProgress& progress = {});

}  // namespace icrm::models
