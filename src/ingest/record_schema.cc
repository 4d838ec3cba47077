#include "ingest/record_schema.h"

#include <array>
#include <cstdlib>

namespace icrm::ingest {
namespace {

using store::schema::Field;

FieldType file_type(const Field& f) {
  using T = store::schema::FieldType;
  switch (f.type) {
    case T::kId:  // a link, written as the other record's key
      return f.file.link_key == "email" ? FieldType::kEmail : FieldType::kText;
    case T::kText:
    case T::kCurrency:
      return FieldType::kText;
    case T::kEmail:
      return FieldType::kEmail;
    case T::kInteger:
    case T::kBoolean:
      return FieldType::kInteger;
    case T::kMoney:
      return FieldType::kMoney;
    case T::kTimestamp:
      return FieldType::kTimestamp;
    case T::kChoice:
      return FieldType::kChoice;
    case T::kAttributes:
      return FieldType::kAttributes;
  }
  return FieldType::kText;
}

KindSpec make_spec(store::Entity entity) {
  KindSpec spec{entity, store::entity_name(entity), {}};
  for (const Field& f : store::schema::schema_of(entity).fields) {
    if (!f.in_files()) continue;
    spec.fields.push_back({.name = f.file.name,
                           .type = file_type(f),
                           .required = f.file.required,
                           .choices = f.choices,
                           .aliases = f.file.aliases,
                           .max_bytes = f.max_bytes > 0 ? f.max_bytes : kMaxTextFieldBytes,
                           .field = &f});
  }
  return spec;
}

const std::array<KindSpec, store::kAllEntities.size()>& specs() {
  static const auto all = [] {
    std::array<KindSpec, store::kAllEntities.size()> out;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = make_spec(store::kAllEntities[i]);
    return out;
  }();
  return all;
}

}  // namespace

int KindSpec::field_index(std::string_view n) const {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == n) return static_cast<int>(i);
  return -1;
}

const FieldSpec& KindSpec::field(std::string_view n) const {
  int i = field_index(n);
  if (i < 0) std::abort();  // a column the importer names is in its table (schema test)
  return fields[static_cast<std::size_t>(i)];
}

const KindSpec& kind_spec(RecordKind kind) { return specs()[static_cast<std::size_t>(kind)]; }

std::string normalize_column_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace icrm::ingest
