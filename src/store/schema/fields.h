// The one description of each record's fields: name, type, limits, whether
// a create needs it, whether it is personal data, how an import or export
// file spells it, and whether a list may filter or sort by it. The store's
// checks (validation.h), the importer's columns and limits
// (ingest/record_schema.h), the export's columns (BulkWriter::export_rows),
// the API's body readers (api/resource_routes.h) and its OpenAPI schemas
// (api/record_schemas.h) all read these tables, so a limit is written once.
// One table per entity, in <entity>_fields.cc; README.md says how to add one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "store/schema/entity.h"

namespace icrm::store::schema {

enum class FieldType {
  kId,          // a positive integer: the record's id or another record's
  kText,        // UTF-8 text of at most max_bytes
  kEmail,       // an e-mail address (text of at most max_bytes)
  kInteger,     // min..max
  kMoney,       // integer minor units, min..max; a decimal ("12.50") in files
  kCurrency,    // ISO 4217: three upper-case letters
  kTimestamp,   // ISO-8601 UTC text
  kChoice,      // one of `choices`
  kAttributes,  // a flat JSON object of custom attributes (store/attributes.h)
  kBoolean,
};

// Who writes the field through the API.
enum class Access {
  kWritable,    // create and PATCH
  kCreateOnly,  // create (an import of older records); PATCH refuses it
  kReadOnly,    // the server sets it
};

// The field in import and export files. A link to another record (a kId
// field) is written as that record's key (`link_table`.`link_key`: the
// owner's e-mail, the customer's external id, the product's sku).
struct FileColumn {
  std::string_view name;                       // empty: not in files
  bool required = false;                       // an import row without it is refused
  std::vector<std::string_view> aliases = {};  // headers that mean it, normalised
  std::string_view link_table = {};
  std::string_view link_key = {};
};

struct Field {
  std::string_view name;  // in records, JSON, SQL and list queries
  FieldType type;
  Access access = Access::kWritable;
  bool required = false;                       // a create must give it
  bool nullable = false;                       // may be null (absent)
  std::size_t max_bytes = 0;                   // kText, kEmail: the limit
  int64_t min = 0, max = 0;                    // kInteger, kMoney
  std::vector<std::string_view> choices = {};  // kChoice
  bool pii = false;                            // personal data (names, addresses, message text)
  bool filterable = false;                     // a list filter (?name=value)
  bool sortable = false;                       // a list sort (?sort=name)
  FileColumn file = {};
  std::string_view sql_column = {};  // when the column is not `name`
  bool stored_as_micros = false;     // a time kept as integer microseconds

  bool in_files() const { return !file.name.empty(); }
  bool is_link() const { return !file.link_table.empty(); }
  std::string_view column() const { return sql_column.empty() ? name : sql_column; }
};

struct EntitySchema {
  Entity entity;
  std::string_view noun;  // "customer"
  // In the order of export files (and of the OpenAPI properties).
  std::vector<Field> fields;

  const Field* find(std::string_view name) const;
  // REQUIRES: the field exists (a caller naming an unknown field is a bug the
  // schema test finds; it aborts with the name).
  const Field& field(std::string_view name) const;
};

const EntitySchema& schema_of(Entity entity);
inline const Field& field_of(Entity entity, std::string_view name) {
  return schema_of(entity).field(name);
}

// The text of each value of an enum (store::to_string), for kChoice fields.
template <typename E>
std::vector<std::string_view> choices_of(std::initializer_list<E> values) {
  std::vector<std::string_view> out;
  for (E v : values) out.push_back(to_string(v));
  return out;
}

// Each entity's table, one file each.
EntitySchema customer_fields();
EntitySchema lead_fields();
EntitySchema product_fields();
EntitySchema transaction_fields();
EntitySchema activity_fields();
EntitySchema communication_fields();

}  // namespace icrm::store::schema
