// The JSON Schemas of the CRM's records, made from their field tables
// (store/schema/): as served (every field, each with its type, limit,
// choices and whether it may be null) and as a create/PATCH body (the
// fields a client writes, the required ones named, nothing else allowed).
// Routes document their bodies with them and the OpenAPI document lists
// them under components/schemas.
#pragma once

#include <string>
#include <string_view>

#include "store/schema/fields.h"

namespace icrm::api {

// `extra`: further served properties (`"name":{...},...`), e.g. a listed
// lead's latest score.
std::string record_schema(store::Entity entity, std::string_view extra = {});
std::string write_schema(store::Entity entity);
// One field's schema ({"enum":[...]}, {"type":"string","maxLength":200}, ...).
std::string field_schema(store::Entity entity, std::string_view field);

// "Customer", "Lead", ...: the record's name under components/schemas.
std::string schema_name(store::Entity entity);

// The records as served, as TypeScript interfaces for the dashboard: the
// text of web/src/records.gen.ts (tests/api/record_types_test.cc fails when
// the file is stale and rewrites it with ICRM_WRITE_RECORD_TYPES=1).
std::string typescript_record_types();

}  // namespace icrm::api
