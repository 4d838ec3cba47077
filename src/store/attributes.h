// Custom attributes: a flat JSON object of scalars (string, number, boolean,
// null) a team adds to customers and leads ({"industry":"retail","seats":40}).
// Validated on every write; a nested object or array is refused naming the
// key ("attributes.address"), and count and size have named limits.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace icrm::store {

inline constexpr size_t kMaxAttributes = 50;
inline constexpr size_t kMaxAttributeKeyLength = 64;
inline constexpr size_t kMaxAttributeTextLength = 1000;   // one string value, in bytes
inline constexpr size_t kMaxAttributesBytes = 16 * 1024;  // the serialised object

// OK when `attributes` is flat and within the limits; otherwise the first
// problem, its field "attributes.<key>" (or "attributes" for the whole).
Status check_attributes(const boost::json::object& attributes);

// Parses JSON text (as a client sends it) and checks it.
Result<boost::json::object> parse_attributes(std::string_view json_text);

// The stored attributes column back as an object ({} for NULL or damage).
boost::json::object attributes_from_text(const std::optional<std::string>& stored);

}  // namespace icrm::store
