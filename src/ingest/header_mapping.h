// HeaderMapping: which target field (or custom attribute) each source column
// feeds. Known fields are recognised by name or alias with case, spaces, '_',
// '-' and '.' ignored; `--map source=target` settles the rest (target a field
// name, "-" to drop the column, anything else an attribute name). Columns that
// match nothing become custom attributes under their own name.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "ingest/record_schema.h"

namespace icrm::ingest {

struct ColumnRole {
  enum Kind { kField, kAttribute, kIgnored };
  Kind kind = kIgnored;
  int field = -1;         // kField: index into KindSpec::fields
  std::string attribute;  // kAttribute: the attribute's key
};

// "source=target" pairs as given on the command line.
using MapOverrides = std::vector<std::pair<std::string, std::string>>;
Result<MapOverrides> parse_map_overrides(const std::vector<std::string>& specs);

class HeaderMapping {
 public:
  // Errors: a --map source that names no column (when `strict_sources`), two
  // columns for one field.
  static Result<HeaderMapping> build(RecordKind kind, const std::vector<std::string>& columns,
                                     MapOverrides overrides, bool strict_sources = true);

  // Adds one more column (JSONL records may bring new keys); returns its index.
  Result<std::size_t> add_column(const std::string& name);

  std::size_t size() const { return roles_.size(); }
  const ColumnRole& role(std::size_t column) const { return roles_[column]; }
  const std::string& column_name(std::size_t column) const { return columns_[column]; }
  // The column feeding a field, or -1.
  int column_of(int field) const { return field_columns_[static_cast<std::size_t>(field)]; }
  int column_of(std::string_view field_name) const;
  // Error naming every required field no column feeds.
  Status check_required() const;
  RecordKind kind() const { return kind_; }

 private:
  Result<ColumnRole> resolve(const std::string& column) const;

  RecordKind kind_ = RecordKind::kCustomers;
  MapOverrides overrides_;
  std::vector<std::string> columns_;
  std::vector<ColumnRole> roles_;
  std::vector<int> field_columns_;
};

}  // namespace icrm::ingest
