// Reading JSON request bodies: parse_json_body() turns a body into one JSON
// object within the limits (kMaxJsonDepth, kMaxJsonStringBytes, valid UTF-8,
// application/json), and JsonFields reads its fields with their types and
// bounds, collecting every problem — wrong type, out of range, too long,
// missing, unknown field — so a 400 names every field at fault at once.
//
//   auto obj = parse_json_body(request);
//   if (!obj) return obj.error();
//   JsonFields f(*obj);
//   auto name = f.string("name", Presence::kRequired);
//   auto value = f.integer("expected_value", Presence::kOptional, 0, kMaxMoney);
//   if (auto s = f.finish(); !s) return s.error();   // unknown fields named here
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"
#include "api/limits.h"
#include "core/result.h"

namespace icrm::api {

// Parses `text` as a JSON object. Errors (invalid_argument, field "body"):
// malformed JSON with its offset, invalid UTF-8, nesting past kMaxJsonDepth, a
// string or key longer than kMaxJsonStringBytes, a top level that is not an object.
Result<boost::json::object> parse_json_object(std::string_view text);

// As parse_json_object, after checking the Content-Type is application/json
// (field "Content-Type" when it is not) and the body is not empty.
Result<boost::json::object> parse_json_body(const Request& request);

enum class Presence { kRequired, kOptional };

class JsonFields {
 public:
  // REQUIRES: `object` outlives this reader.
  explicit JsonFields(const boost::json::object& object) : object_(object) {}

  // Each reader marks the field known, returns its value when present and
  // valid, and records an error otherwise. Optional fields that are absent or
  // null return nullopt without error; use present()/is_null() for PATCH.
  std::optional<std::string> string(std::string_view name, Presence presence,
                                    std::size_t max_bytes = kMaxStringFieldBytes);
  // A string from a fixed set (statuses, roles, kinds).
  std::optional<std::string> one_of(std::string_view name, Presence presence,
                                    std::initializer_list<std::string_view> allowed);
  std::optional<int64_t> integer(std::string_view name, Presence presence, int64_t min,
                                 int64_t max);
  std::optional<double> number(std::string_view name, Presence presence, double min, double max);
  std::optional<bool> boolean(std::string_view name, Presence presence);
  // A JSON object whose values are scalars (custom attributes).
  std::optional<boost::json::object> flat_object(std::string_view name, Presence presence);

  // Marks a field known without reading it (read elsewhere, or ignored on purpose).
  void allow(std::string_view name);
  bool present(std::string_view name) const;  // present, possibly null
  bool is_null(std::string_view name) const;  // present and null

  // Records an error of the caller's own (a cross-field rule).
  void fail(std::string field, std::string message);

  // Adds one error per unknown field; ok, or invalid_argument naming every
  // field at fault (in `details`). Call once, after every reader.
  Status finish();

 private:
  const boost::json::value* find(std::string_view name, Presence presence, bool* ok);

  const boost::json::object& object_;
  std::vector<std::string> known_;
  std::vector<FieldError> errors_;
};

}  // namespace icrm::api
