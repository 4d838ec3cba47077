// The record kinds an import accepts and the fields each one knows: names,
// the aliases a column header may use (compared with case, spaces, '_', '-'
// and '.' ignored), types and which are required. Export writes the same
// field names, so an export imports back unchanged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace icrm::ingest {

enum class RecordKind {
  kCustomers,
  kLeads,
  kProducts,
  kTransactions,
  kActivities,
  kCommunications
};

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
  std::string_view name;
  FieldType type;
  bool required = false;
  std::vector<std::string_view> choices;
  std::vector<std::string_view> aliases;  // already normalised
};

struct KindSpec {
  RecordKind kind;
  std::string_view name;
  std::vector<FieldSpec> fields;
  // Index of the field with this exact name, or -1.
  int field_index(std::string_view name) const;
};

const KindSpec& kind_spec(RecordKind kind);
Result<RecordKind> parse_record_kind(std::string_view name);
std::string_view record_kind_name(RecordKind kind);

// "Customer ID" -> "customerid": lower-case, without ' ', '_', '-', '.'.
std::string normalize_column_name(std::string_view name);

// Longest value a text field may hold; longer values are rejected.
inline constexpr std::size_t kMaxTextFieldBytes = 64 << 10;

}  // namespace icrm::ingest
