#include "features/schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "features/value_parsing.h"

namespace icrm::features {
namespace {

bool looks_like_id_name(std::string_view name) {
  std::string lower;
  for (char c : name)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower == "id" ||
         (lower.size() > 2 && lower.ends_with("id") &&
          !std::isalpha(static_cast<unsigned char>(lower[lower.size() - 3]))) ||
         lower.ends_with("_id") || lower.ends_with("uuid") ||
         (name.size() > 2 && name.ends_with("ID"));
}

ColumnProfile profile(const std::vector<std::string>& cells, std::string name) {
  ColumnProfile p;
  p.name = std::move(name);
  std::size_t numbers = 0, dates = 0, bools = 0, words = 0, total_len = 0;
  std::unordered_set<std::string_view> distinct;
  std::unordered_set<double> distinct_numbers;
  bool integers = true;
  for (const auto& cell : cells) {
    if (is_missing(cell)) {
      ++p.missing;
      continue;
    }
    std::string_view v = trim_blanks(cell);
    if (distinct.size() < kDistinctCap) distinct.insert(v);
    total_len += v.size();
    words += std::count(v.begin(), v.end(), ' ');
    if (auto n = parse_number(v)) {
      ++numbers;
      if (distinct_numbers.size() < 3) distinct_numbers.insert(*n);
      integers = integers && *n == static_cast<double>(static_cast<long long>(*n));
    } else if (v.size() >= 10 && parse_datetime(v)) {
      ++dates;
    }
    if (parse_bool_word(v)) ++bools;
  }
  const std::size_t present = cells.size() - p.missing;
  p.distinct = distinct.size();
  if (present == 0 || p.distinct <= 1) {
    p.kind = ColumnKind::kConstant;
    p.why = present == 0 ? "every value is missing" : "it has one value only";
    return p;
  }
  if (numbers >= kNumericShare * present) {
    p.non_numeric = present - numbers;
    if (distinct_numbers.size() <= 2 && p.distinct <= 2 + p.non_numeric) {
      p.kind = ColumnKind::kBoolean;
    } else if (integers && p.distinct == present && present > 20 && looks_like_id_name(p.name)) {
      p.kind = ColumnKind::kIdentifier;
      p.why = "every value is different and its name says it is an id";
    } else {
      p.kind = ColumnKind::kNumeric;
    }
    return p;
  }
  if (dates >= kDateTimeShare * present) {
    p.kind = ColumnKind::kDateTime;
    return p;
  }
  if (bools == present && p.distinct == 2 && p.missing == 0) {
    p.kind = ColumnKind::kBoolean;
    return p;
  }
  const double mean_len = static_cast<double>(total_len) / static_cast<double>(present);
  const double mean_spaces = static_cast<double>(words) / static_cast<double>(present);
  if (p.distinct > present / 2 && present > 20 && (mean_len >= 25 || mean_spaces >= 3)) {
    p.kind = ColumnKind::kText;
    p.why = "it looks like free text";
    return p;
  }
  if (p.distinct >= present * 95 / 100 && present > 20) {
    p.kind = ColumnKind::kIdentifier;
    p.why = "almost every value is different";
    return p;
  }
  p.kind = ColumnKind::kCategorical;
  return p;
}

}  // namespace

std::string_view column_kind_name(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kNumeric:
      return "numeric";
    case ColumnKind::kCategorical:
      return "categorical";
    case ColumnKind::kBoolean:
      return "boolean";
    case ColumnKind::kDateTime:
      return "datetime";
    case ColumnKind::kIdentifier:
      return "identifier";
    case ColumnKind::kText:
      return "text";
    case ColumnKind::kConstant:
      return "constant";
    case ColumnKind::kExcluded:
      return "excluded";
  }
  return "unknown";
}

Result<ColumnKind> parse_column_kind(std::string_view name) {
  for (auto k :
       {ColumnKind::kNumeric, ColumnKind::kCategorical, ColumnKind::kBoolean, ColumnKind::kDateTime,
        ColumnKind::kIdentifier, ColumnKind::kText, ColumnKind::kConstant, ColumnKind::kExcluded})
    if (column_kind_name(k) == name) return k;
  return Error::invalid(fmt::format("unknown column kind '{}' (numeric, categorical, boolean, "
                                    "datetime, excluded)",
                                    name),
                        "kind");
}

bool is_feature_kind(ColumnKind kind) {
  return kind == ColumnKind::kNumeric || kind == ColumnKind::kCategorical ||
         kind == ColumnKind::kBoolean || kind == ColumnKind::kDateTime;
}

std::vector<ColumnProfile> infer_schema(const Table& table, const InferenceOptions& options) {
  std::vector<ColumnProfile> out;
  out.reserve(table.columns.size());
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const std::string& name = table.columns[c];
    if (options.exclude.count(name)) {
      ColumnProfile p;
      p.name = name;
      p.kind = ColumnKind::kExcluded;
      p.why = "excluded";
      out.push_back(std::move(p));
      continue;
    }
    ColumnProfile p = profile(table.cells[c], name);
    if (auto it = options.override.find(name); it != options.override.end()) {
      p.kind = it->second;
      p.why = "set by the user";
      if (p.kind != ColumnKind::kNumeric) p.non_numeric = 0;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace icrm::features
