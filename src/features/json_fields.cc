#include "features/json_fields.h"

#include <fmt/format.h>

namespace icrm::features {
namespace {
const boost::json::array kEmptyArray;
const boost::json::object kEmptyObject;
}  // namespace

JsonFields::JsonFields(const boost::json::value& v, std::string where) : where_(std::move(where)) {
  obj_ = v.if_object();
  if (!obj_) fail("is not a JSON object");
}

JsonFields::JsonFields(const boost::json::object& o, std::string where)
    : obj_(&o), where_(std::move(where)) {}

void JsonFields::fail(std::string message) {
  if (!ok_) return;
  ok_ = false;
  error_ = Error::invalid(fmt::format("{}: {}", where_, message));
}

bool JsonFields::has(std::string_view key) const { return obj_ && obj_->contains(key); }

const boost::json::value* JsonFields::get(std::string_view key, const char* type) {
  if (!obj_) return nullptr;
  auto it = obj_->find(key);
  if (it == obj_->end()) {
    fail(fmt::format("missing field \"{}\"", key));
    return nullptr;
  }
  return &it->value();
}

std::string JsonFields::str(std::string_view key) {
  auto* v = get(key, "string");
  if (!v) return {};
  if (!v->is_string()) {
    fail(fmt::format("field \"{}\" is not a string", key));
    return {};
  }
  return std::string(v->as_string());
}

double JsonFields::num(std::string_view key) {
  auto* v = get(key, "number");
  if (!v) return 0;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  fail(fmt::format("field \"{}\" is not a number", key));
  return 0;
}

std::int64_t JsonFields::integer(std::string_view key) {
  auto* v = get(key, "integer");
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  fail(fmt::format("field \"{}\" is not an integer", key));
  return 0;
}

bool JsonFields::boolean(std::string_view key) {
  auto* v = get(key, "boolean");
  if (!v) return false;
  if (!v->is_bool()) {
    fail(fmt::format("field \"{}\" is not true or false", key));
    return false;
  }
  return v->as_bool();
}

std::vector<double> JsonFields::nums(std::string_view key) {
  std::vector<double> out;
  auto* v = get(key, "array");
  if (!v) return out;
  if (!v->is_array()) {
    fail(fmt::format("field \"{}\" is not an array", key));
    return out;
  }
  for (const auto& e : v->as_array()) {
    if (e.is_double())
      out.push_back(e.as_double());
    else if (e.is_int64())
      out.push_back(static_cast<double>(e.as_int64()));
    else if (e.is_uint64())
      out.push_back(static_cast<double>(e.as_uint64()));
    else {
      fail(fmt::format("field \"{}\" holds something that is not a number", key));
      return {};
    }
  }
  return out;
}

std::vector<std::string> JsonFields::strs(std::string_view key) {
  std::vector<std::string> out;
  auto* v = get(key, "array");
  if (!v) return out;
  if (!v->is_array()) {
    fail(fmt::format("field \"{}\" is not an array", key));
    return out;
  }
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) {
      fail(fmt::format("field \"{}\" holds something that is not a string", key));
      return {};
    }
    out.emplace_back(e.as_string());
  }
  return out;
}

const boost::json::array& JsonFields::arr(std::string_view key) {
  auto* v = get(key, "array");
  if (!v) return kEmptyArray;
  if (!v->is_array()) {
    fail(fmt::format("field \"{}\" is not an array", key));
    return kEmptyArray;
  }
  return v->as_array();
}

const boost::json::object& JsonFields::obj(std::string_view key) {
  auto* v = get(key, "object");
  if (!v) return kEmptyObject;
  if (!v->is_object()) {
    fail(fmt::format("field \"{}\" is not an object", key));
    return kEmptyObject;
  }
  return v->as_object();
}

}  // namespace icrm::features
