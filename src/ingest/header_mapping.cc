#include "ingest/header_mapping.h"

#include <fmt/format.h>

namespace icrm::ingest {

Result<MapOverrides> parse_map_overrides(const std::vector<std::string>& specs) {
  MapOverrides out;
  for (const std::string& s : specs) {
    auto eq = s.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
      return Error::invalid(fmt::format("--map '{}' is not source=target", s), "map");
    out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  return out;
}

Result<HeaderMapping> HeaderMapping::build(RecordKind kind, const std::vector<std::string>& columns,
                                           MapOverrides overrides, bool strict_sources) {
  HeaderMapping m;
  m.kind_ = kind;
  m.overrides_ = std::move(overrides);
  m.field_columns_.assign(kind_spec(kind).fields.size(), -1);
  if (strict_sources) {
    for (const auto& [source, target] : m.overrides_) {
      bool found = false;
      for (const auto& c : columns)
        found = found || c == source || normalize_column_name(c) == normalize_column_name(source);
      if (!found)
        return Error::invalid(
            fmt::format("--map {}={}: the file has no column '{}'", source, target, source), "map");
    }
  }
  for (const auto& c : columns) {
    auto added = m.add_column(c);
    if (!added) return added.error();
  }
  return m;
}

Result<ColumnRole> HeaderMapping::resolve(const std::string& column) const {
  const KindSpec& spec = kind_spec(kind_);
  std::string norm = normalize_column_name(column);
  for (const auto& [source, target] : overrides_) {
    if (source != column && normalize_column_name(source) != norm) continue;
    if (target == "-") return ColumnRole{ColumnRole::kIgnored, -1, {}};
    int f = spec.field_index(target);
    if (f >= 0) return ColumnRole{ColumnRole::kField, f, {}};
    return ColumnRole{ColumnRole::kAttribute, -1, target};
  }
  for (std::size_t i = 0; i < spec.fields.size(); ++i) {
    const FieldSpec& f = spec.fields[i];
    bool hit = normalize_column_name(f.name) == norm;
    for (auto a : f.aliases) hit = hit || a == norm;
    if (hit) return ColumnRole{ColumnRole::kField, static_cast<int>(i), {}};
  }
  if (norm.empty()) return ColumnRole{ColumnRole::kIgnored, -1, {}};
  return ColumnRole{ColumnRole::kAttribute, -1, column};
}

Result<std::size_t> HeaderMapping::add_column(const std::string& name) {
  auto role = resolve(name);
  if (!role) return role.error();
  if (role->kind == ColumnRole::kField) {
    int& slot = field_columns_[static_cast<std::size_t>(role->field)];
    if (slot >= 0) {
      // A second column for a field already fed is kept as an attribute when
      // it came by alias, and refused when it names the field outright.
      const auto& field = kind_spec(kind_).fields[static_cast<std::size_t>(role->field)];
      if (normalize_column_name(name) == normalize_column_name(field.name) &&
          normalize_column_name(columns_[static_cast<std::size_t>(slot)]) ==
              normalize_column_name(field.name)) {
        return Error::invalid(
            fmt::format("columns '{}' and '{}' both map to field {}",
                        columns_[static_cast<std::size_t>(slot)], name, field.name),
            name);
      }
      role = ColumnRole{ColumnRole::kAttribute, -1, name};
    } else {
      slot = static_cast<int>(columns_.size());
    }
  }
  columns_.push_back(name);
  roles_.push_back(std::move(*role));
  return columns_.size() - 1;
}

int HeaderMapping::column_of(std::string_view field_name) const {
  int f = kind_spec(kind_).field_index(field_name);
  return f < 0 ? -1 : column_of(f);
}

Status HeaderMapping::check_required() const {
  const KindSpec& spec = kind_spec(kind_);
  Error err = Error::invalid("");
  for (std::size_t i = 0; i < spec.fields.size(); ++i) {
    if (spec.fields[i].required && field_columns_[i] < 0) {
      err.details.push_back(
          {std::string(spec.fields[i].name), "no column maps to this required field"});
    }
  }
  if (err.details.empty()) return {};
  std::string names;
  for (const auto& d : err.details) names += (names.empty() ? "" : ", ") + d.field;
  std::string cols;
  for (const auto& c : columns_) cols += (cols.empty() ? "" : ", ") + c;
  err.message =
      fmt::format("no column for required field(s) {} of {} (columns: {}); use --map column=field",
                  names, store::entity_name(kind_), cols);
  err.field = err.details.front().field;
  return err;
}

}  // namespace icrm::ingest
