// Fields several records share, for the tables in <entity>_fields.cc.
#pragma once

#include <string_view>
#include <vector>

#include "store/schema/fields.h"

namespace icrm::store::schema {

// The record's own id, set by the store.
inline Field id_field() {
  return {.name = "id",
          .type = FieldType::kId,
          .access = Access::kReadOnly,
          .filterable = true,
          .sortable = true};
}

// created_at / updated_at, set by the store; importable with `aliases`.
inline Field stamp_field(std::string_view name, std::vector<std::string_view> aliases) {
  return {.name = name,
          .type = FieldType::kTimestamp,
          .access = Access::kReadOnly,
          .filterable = true,
          .sortable = true,
          .file = {name, false, std::move(aliases)}};
}

// The owning user, an e-mail in files.
inline Field owner_field() {
  return {.name = "owner_id",
          .type = FieldType::kId,
          .nullable = true,
          .filterable = true,
          .file = {"owner_email", false, {"owner"}, "users", "email"}};
}

// A link to the lead or customer a record belongs to, its external id in files.
inline Field party_field(std::string_view name, std::string_view column,
                         std::vector<std::string_view> aliases, std::string_view table) {
  return {.name = name,
          .type = FieldType::kId,
          .nullable = true,
          .filterable = true,
          .file = {column, false, std::move(aliases), table, "external_id"}};
}

}  // namespace icrm::store::schema
