// Schema inference: what each column of a table is, so it can be turned into
// features — numeric, categorical, boolean or date/time — and which columns
// are left out (identifiers, free text, constants, the target, --exclude).
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "features/table.h"

namespace icrm::features {

enum class ColumnKind {
  kNumeric,
  kCategorical,
  kBoolean,
  kDateTime,
  kIdentifier,  // unique per row: ignored unless asked for
  kText,        // free text: ignored unless asked for
  kConstant,    // one value only: carries no information
  kExcluded,    // the user said so (leakage), or it is the target
};

std::string_view column_kind_name(ColumnKind kind);
Result<ColumnKind> parse_column_kind(std::string_view name);
// Whether columns of this kind become features.
bool is_feature_kind(ColumnKind kind);

// A column counts as numeric when at least this share of its non-missing cells
// are numbers; the others are treated as missing and reported.
inline constexpr double kNumericShare = 0.95;
inline constexpr double kDateTimeShare = 0.95;

struct ColumnProfile {
  std::string name;
  ColumnKind kind = ColumnKind::kCategorical;
  std::size_t missing = 0;      // empty or NA-like cells
  std::size_t non_numeric = 0;  // numeric columns: cells that were not numbers (treated as missing)
  std::size_t distinct = 0;     // distinct non-missing values (capped at kDistinctCap)
  std::string why;              // for ignored columns: the reason, for the user
};

inline constexpr std::size_t kDistinctCap = 100'000;

struct InferenceOptions {
  std::set<std::string> exclude;               // never features (leakage, the target)
  std::map<std::string, ColumnKind> override;  // the user's word beats inference
};

// REQUIRES: every name in options refers to a column (checked by the caller).
std::vector<ColumnProfile> infer_schema(const Table& table, const InferenceOptions& options);

}  // namespace icrm::features
