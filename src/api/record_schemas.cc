#include "api/record_schemas.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace icrm::api {
namespace {

namespace json = boost::json;
using store::schema::Access;
using store::schema::Field;
using store::schema::FieldType;

json::value type_of(std::string_view type, bool nullable) {
  if (!nullable) return json::value(type);
  return json::array{json::value(type), json::value("null")};
}

json::object property(const Field& f) {
  json::object p;
  switch (f.type) {
    case FieldType::kId:
      p["type"] = type_of("integer", f.nullable);
      p["minimum"] = 1;
      break;
    case FieldType::kText:
    case FieldType::kEmail:
      p["type"] = type_of("string", f.nullable);
      p["maxLength"] = f.max_bytes;  // bytes of UTF-8; as many characters for ASCII
      if (f.type == FieldType::kEmail) p["format"] = "email";
      break;
    case FieldType::kInteger:
    case FieldType::kMoney:
      p["type"] = type_of("integer", f.nullable);
      p["minimum"] = f.min;
      p["maximum"] = f.max;
      break;
    case FieldType::kCurrency:
      p["type"] = "string";
      p["pattern"] = "^[A-Z]{3}$";
      break;
    case FieldType::kTimestamp:
      p["type"] = type_of("string", f.nullable);
      p["format"] = "date-time";
      break;
    case FieldType::kChoice: {
      json::array values;
      for (auto c : f.choices) values.emplace_back(c);
      p["enum"] = std::move(values);
      break;
    }
    case FieldType::kAttributes:
      p["type"] = "object";
      break;
    case FieldType::kBoolean:
      p["type"] = "boolean";
      break;
  }
  if (f.access == Access::kReadOnly) p["readOnly"] = true;
  return p;
}

// The object's members without their braces, to append `extra` to.
std::string members(const json::object& o) {
  std::string text = json::serialize(o);
  return text.substr(1, text.size() - 2);
}

}  // namespace

std::string record_schema(store::Entity entity, std::string_view extra) {
  json::object props;
  for (const Field& f : store::schema::schema_of(entity).fields) props[f.name] = property(f);
  std::string all = members(props);
  if (!extra.empty()) all += "," + std::string(extra);
  return R"({"type":"object","properties":{)" + all + "}}";
}

std::string write_schema(store::Entity entity) {
  json::object props;
  json::array required;
  for (const Field& f : store::schema::schema_of(entity).fields) {
    if (f.access == Access::kReadOnly) continue;
    json::object p = property(f);
    props[f.name] = std::move(p);
    if (f.required) required.emplace_back(f.name);
  }
  return json::serialize(json::object{{"type", "object"},
                                      {"required", std::move(required)},
                                      {"properties", std::move(props)},
                                      {"additionalProperties", false}});
}

std::string field_schema(store::Entity entity, std::string_view field) {
  return json::serialize(property(store::schema::field_of(entity, field)));
}

std::string schema_name(store::Entity entity) {
  std::string name(store::schema::schema_of(entity).noun);
  if (!name.empty()) name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

namespace {

std::string typescript_type(const Field& f) {
  std::string t;
  switch (f.type) {
    case FieldType::kId:
    case FieldType::kInteger:
    case FieldType::kMoney:
      t = "number";
      break;
    case FieldType::kText:
    case FieldType::kEmail:
    case FieldType::kCurrency:
    case FieldType::kTimestamp:
      t = "string";
      break;
    case FieldType::kChoice:
      for (auto c : f.choices) t += (t.empty() ? "'" : " | '") + std::string(c) + "'";
      break;
    case FieldType::kAttributes:
      t = "Record<string, unknown>";
      break;
    case FieldType::kBoolean:
      t = "boolean";
      break;
  }
  return f.nullable ? t + " | null" : t;
}

}  // namespace

std::string typescript_record_types() {
  std::string out =
      "// Generated from the records' field tables (src/store/schema/) by\n"
      "// api::typescript_record_types(); do not edit. tests/api/record_types_test.cc\n"
      "// fails when it is stale; ICRM_WRITE_RECORD_TYPES=1 build/tests/api_test\n"
      "// --gtest_filter='RecordTypes*' writes it again.\n";
  for (store::Entity e : store::kAllEntities) {
    out += "\nexport interface " + schema_name(e) + " {\n";
    for (const Field& f : store::schema::schema_of(e).fields)
      out += "  " + std::string(f.name) + ": " + typescript_type(f) + ";\n";
    out += "}\n";
  }
  return out;
}

}  // namespace icrm::api
