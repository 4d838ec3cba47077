// The record kinds an import accepts and the columns each one knows, made
// from the records' field tables (store/schema/): a file column per field
// that has one, with the aliases a header may use (compared with case,
// spaces, '_', '-' and '.' ignored), its type in files, whether a row needs
// it, and the field's own limit. Export writes the same columns in the same
// order, so an export imports back unchanged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/schema/fields.h"

namespace icrm::ingest {

// The kind of record a file holds: one of the store's entities.
using RecordKind = store::Entity;

// A column's type in files.
enum class FieldType {
  kText,
  kEmail,
  kInteger,
  kMoney,       // a decimal amount, stored in integer minor units
  kTimestamp,   // ISO-8601; without a zone it is UTC
  kChoice,      // one of `choices`, case-insensitive, stored lower-case
  kAttributes,  // a flat JSON object of custom attributes
};

struct FieldSpec {
  std::string_view name;  // the column's name in files
  FieldType type;
  bool required = false;
  std::vector<std::string_view> choices;
  std::vector<std::string_view> aliases;  // already normalised
  // Longest text: the record field's limit, or kMaxTextFieldBytes for a
  // link written as another record's key (looked up, never stored).
  std::size_t max_bytes = 0;
  const store::schema::Field* field = nullptr;  // the record's field it fills
};

struct KindSpec {
  RecordKind kind;
  std::string_view name;
  std::vector<FieldSpec> fields;
  // Index of the field with this exact name, or -1.
  int field_index(std::string_view name) const;
  // REQUIRES: field_index(name) >= 0.
  const FieldSpec& field(std::string_view name) const;
};

const KindSpec& kind_spec(RecordKind kind);

// "Customer ID" -> "customerid": lower-case, without ' ', '_', '-', '.'.
std::string normalize_column_name(std::string_view name);

// Longest value of a column that is not a record's text field (a link's
// key, a custom attribute's raw cell); longer values are rejected.
inline constexpr std::size_t kMaxTextFieldBytes = 64 << 10;

}  // namespace icrm::ingest
