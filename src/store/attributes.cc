#include "store/attributes.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "store/validation.h"

namespace icrm::store {

Status check_attributes(const boost::json::object& attributes) {
  if (attributes.size() > kMaxAttributes) {
    return Error::too_large("attributes has " + std::to_string(attributes.size()) +
                                " keys; the limit is " + std::to_string(kMaxAttributes),
                            "attributes");
  }
  for (const auto& [key, value] : attributes) {
    std::string field = "attributes." + std::string(key.substr(0, kMaxAttributeKeyLength));
    if (auto s = check_text("attribute name", key, kMaxAttributeKeyLength, true); !s) {
      Error e = s.error();
      e.field = e.details.front().field = field;
      return e;
    }
    switch (value.kind()) {
      case boost::json::kind::object:
      case boost::json::kind::array:
        return Error::invalid(field + " is a nested " + (value.is_object() ? "object" : "array") +
                                  "; attributes must be strings, numbers, booleans or null",
                              field);
      case boost::json::kind::string:
        if (auto s = check_text(field, value.get_string(), kMaxAttributeTextLength, false); !s) {
          return s;
        }
        break;
      default:
        break;
    }
  }
  if (boost::json::serialize(attributes).size() > kMaxAttributesBytes) {
    return Error::too_large(
        "attributes exceed " + std::to_string(kMaxAttributesBytes) + " bytes as JSON",
        "attributes");
  }
  return {};
}

Result<boost::json::object> parse_attributes(std::string_view json_text) {
  if (json_text.size() > 4 * kMaxAttributesBytes) {
    return Error::too_large(
        "attributes exceed " + std::to_string(kMaxAttributesBytes) + " bytes as JSON",
        "attributes");
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json_text, ec);
  if (ec) return Error::invalid("attributes is not valid JSON: " + ec.message(), "attributes");
  if (!v.is_object()) return Error::invalid("attributes must be a JSON object", "attributes");
  if (auto s = check_attributes(v.get_object()); !s) return s.error();
  return std::move(v.get_object());
}

boost::json::object attributes_from_text(const std::optional<std::string>& stored) {
  if (!stored) return {};
  boost::system::error_code ec;
  auto v = boost::json::parse(*stored, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.get_object());
}

}  // namespace icrm::store
