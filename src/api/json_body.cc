#include "api/json_body.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>
#include <cmath>

namespace icrm::api {

namespace {

namespace json = boost::json;

Error body_error(std::string message) { return Error::invalid(std::move(message), "body"); }

// Boost.JSON bounds nesting itself; strings are bounded here, keys included.
bool strings_within_limit(const json::value& v, std::string* where) {
  switch (v.kind()) {
    case json::kind::string:
      return v.get_string().size() <= kMaxJsonStringBytes;
    case json::kind::array:
      for (const auto& item : v.get_array()) {
        if (!strings_within_limit(item, where)) return false;
      }
      return true;
    case json::kind::object:
      for (const auto& [key, item] : v.get_object()) {
        if (key.size() > kMaxJsonStringBytes) return false;
        if (!strings_within_limit(item, where)) {
          if (where->empty()) *where = std::string(key);
          return false;
        }
      }
      return true;
    default:
      return true;
  }
}

std::string_view kind_name(json::kind k) {
  switch (k) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "unknown";
}

}  // namespace

Result<json::object> parse_json_object(std::string_view text) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  options.allow_invalid_utf8 = false;
  options.allow_comments = false;
  options.allow_trailing_commas = false;
  boost::system::error_code ec;
  json::parser p(json::storage_ptr(), options);
  std::size_t consumed = p.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = json::error::extra_data;
  if (ec) {
    if (ec == json::error::too_deep) {
      return body_error("JSON is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    if (ec == json::error::syntax && consumed < text.size() &&
        static_cast<unsigned char>(text[consumed]) >= 0x80) {
      return body_error("JSON is not valid UTF-8 near byte " + std::to_string(consumed));
    }
    return body_error("malformed JSON near byte " + std::to_string(consumed) + ": " + ec.message());
  }
  json::value v = p.release();
  if (!v.is_object()) return body_error("the body must be a JSON object");
  std::string where;
  if (!strings_within_limit(v, &where)) {
    return Error::too_large(
        "a string in the body is longer than " + std::to_string(kMaxJsonStringBytes) + " bytes",
        where.empty() ? "body" : where);
  }
  return std::move(v.get_object());
}

Result<json::object> parse_json_body(const Request& request) {
  auto type = request.headers.get("Content-Type");
  std::string_view media = type ? *type : std::string_view();
  media = media.substr(0, media.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower != "application/json") {
    return Error::invalid("the body must be sent as application/json", "Content-Type");
  }
  if (request.body.empty()) return body_error("the body is empty; a JSON object is expected");
  return parse_json_object(request.body);
}

const json::value* JsonFields::find(std::string_view name, Presence presence, bool* ok) {
  allow(name);
  *ok = true;
  const json::value* v = object_.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (presence == Presence::kRequired) {
      fail(std::string(name), v == nullptr ? "is required" : "must not be null");
      *ok = false;
    }
    return nullptr;
  }
  return v;
}

std::optional<std::string> JsonFields::string(std::string_view name, Presence presence,
                                              std::size_t max_bytes) {
  bool ok;
  const json::value* v = find(name, presence, &ok);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    fail(std::string(name), "must be a string, not " + std::string(kind_name(v->kind())));
    return std::nullopt;
  }
  const auto& s = v->get_string();
  if (s.size() > max_bytes) {
    fail(std::string(name), "must be at most " + std::to_string(max_bytes) + " bytes long");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<std::string> JsonFields::one_of(std::string_view name, Presence presence,
                                              std::initializer_list<std::string_view> allowed) {
  auto s = string(name, presence);
  if (!s) return s;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  fail(std::string(name), "must be one of: " + list);
  return std::nullopt;
}

std::optional<int64_t> JsonFields::integer(std::string_view name, Presence presence, int64_t min,
                                           int64_t max) {
  bool ok;
  const json::value* v = find(name, presence, &ok);
  if (v == nullptr) return std::nullopt;
  std::string range = " between " + std::to_string(min) + " and " + std::to_string(max);
  if (v->is_int64()) {
    int64_t x = v->get_int64();
    if (x >= min && x <= max) return x;
  } else if (v->is_uint64() || v->is_double()) {
    if (v->is_double() && std::trunc(v->get_double()) != v->get_double()) {
      fail(std::string(name), "must be a whole number" + range);
      return std::nullopt;
    }
    // Past int64, or a double: out of range unless a whole double within it.
    if (v->is_double()) {
      double d = v->get_double();
      if (d >= static_cast<double>(min) && d <= static_cast<double>(max)) {
        return static_cast<int64_t>(d);
      }
    }
  } else {
    fail(std::string(name), "must be an integer, not " + std::string(kind_name(v->kind())));
    return std::nullopt;
  }
  fail(std::string(name), "must be an integer" + range);
  return std::nullopt;
}

std::optional<double> JsonFields::number(std::string_view name, Presence presence, double min,
                                         double max) {
  bool ok;
  const json::value* v = find(name, presence, &ok);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) {
    fail(std::string(name), "must be a number, not " + std::string(kind_name(v->kind())));
    return std::nullopt;
  }
  double d = v->to_number<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    fail(std::string(name),
         "must be a number between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return d;
}

std::optional<bool> JsonFields::boolean(std::string_view name, Presence presence) {
  bool ok;
  const json::value* v = find(name, presence, &ok);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    fail(std::string(name), "must be true or false, not " + std::string(kind_name(v->kind())));
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<json::object> JsonFields::flat_object(std::string_view name, Presence presence) {
  bool ok;
  const json::value* v = find(name, presence, &ok);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) {
    fail(std::string(name), "must be an object, not " + std::string(kind_name(v->kind())));
    return std::nullopt;
  }
  for (const auto& [key, item] : v->get_object()) {
    if (item.is_object() || item.is_array()) {
      fail(std::string(name) + "." + std::string(key), "must be a string, number, boolean or null");
      return std::nullopt;
    }
  }
  return v->get_object();
}

void JsonFields::allow(std::string_view name) {
  if (std::find(known_.begin(), known_.end(), name) == known_.end()) {
    known_.emplace_back(name);
  }
}

bool JsonFields::present(std::string_view name) const {
  return object_.if_contains(name) != nullptr;
}

bool JsonFields::is_null(std::string_view name) const {
  const json::value* v = object_.if_contains(name);
  return v != nullptr && v->is_null();
}

void JsonFields::fail(std::string field, std::string message) {
  errors_.push_back({std::move(field), std::move(message)});
}

Status JsonFields::finish() {
  for (const auto& [key, value] : object_) {
    if (std::find(known_.begin(), known_.end(), std::string_view(key)) == known_.end()) {
      fail(std::string(key), "is not a known field");
    }
  }
  if (errors_.empty()) return ok_status();
  Error e =
      Error::invalid(errors_.size() == 1 ? errors_.front().field + " " + errors_.front().message
                                         : std::to_string(errors_.size()) + " fields are invalid");
  e.field = errors_.front().field;
  e.details = errors_;
  return e;
}

}  // namespace icrm::api
