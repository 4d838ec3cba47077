// Scoring a whole table with one trained model: probability, score, rank
// (1 = most promising), priority tier and the top factors of every row. The
// one path `insightcrm predict` (CSV rows) and the CRM's scoring of open
// leads and customers share, so both rank and explain alike.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "features/feature_spec.h"
#include "features/table.h"
#include "models/explanation.h"
#include "models/model_bundle.h"

namespace icrm::models {

// Rows are encoded and scored this many at a time.
inline constexpr std::size_t kScoringBatchRows = 4096;

struct TableScores {
  std::vector<double> score;        // the model's score in [0, 1]
  std::vector<double> probability;  // P(y=1|x)
  std::vector<std::size_t> rank;    // 1 = highest score; ties keep row order
  std::vector<std::string_view> tier;
  std::vector<std::vector<Factor>> factors;  // at most `top` per row
  features::TransformCounts counts;          // non-numbers and unseen levels per spec column
};

// The priority tier D(L): "hot" at or above the model's threshold (chosen on
// validation rows for the best F1), "warm" above the base rate, else "cold".
std::string_view priority_tier(const ScoredModel& model, double probability);

// Errors: a table lacking a column the spec needs (each one named).
Result<TableScores> score_table(const features::FeatureSpec& spec, const ScoredModel& model,
                                const features::Table& table, std::size_t top);

}  // namespace icrm::models
