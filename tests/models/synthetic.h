// A generated lead table for model tests: the outcome depends on known
// columns through a known logistic model, so tests can check that models find
// the signal (and that explanations name the right columns).
#pragma once

#include <cmath>
#include <string>

#include "features/table.h"
#include "models/split.h"

namespace icrm::models::testing {

// Columns: visits (numeric, some missing), plan (categorical), opened (yes/no),
// region (noise), converted (yes/no target).
inline std::string synthetic_csv(std::size_t rows, std::uint64_t seed = 7) {
  Rng rng(seed);
  auto uniform = [&] { return double(rng.next() >> 11) / double(1ULL << 53); };
  std::string csv = "lead id,visits,plan,opened,region,converted\n";
  const char* plans[] = {"free", "starter", "pro"};
  const char* regions[] = {"north", "south", "east", "west"};
  for (std::size_t i = 0; i < rows; ++i) {
    double visits = std::floor(-std::log(uniform() + 1e-12) * 5);
    int plan = static_cast<int>(rng.below(3));
    bool opened = uniform() < 0.4;
    double z = -2.5 + 0.25 * visits + 1.2 * plan + 1.0 * (opened ? 1 : 0);
    bool y = uniform() < 1 / (1 + std::exp(-z));
    csv += "L" + std::to_string(i) + "," +
           (i % 37 == 0 ? std::string("") : std::to_string(int(visits))) + "," + plans[plan] + "," +
           (opened ? "yes" : "no") + "," + regions[rng.below(4)] + "," + (y ? "yes" : "no") + "\n";
  }
  return csv;
}

inline features::Table synthetic_table(std::size_t rows, std::uint64_t seed = 7) {
  return std::move(*features::read_csv_table_from_string(synthetic_csv(rows, seed)));
}

}  // namespace icrm::models::testing
