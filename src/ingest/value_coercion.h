// Turning the text of one cell into the typed value a field wants, with a
// reason when it cannot (the caller adds the row and column). Also infers the
// type of a custom attribute from its text.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/text.h"

namespace icrm::ingest {

// Longest number (digits and sign) accepted; anything longer cannot fit in int64 anyway.
inline constexpr std::size_t kMaxNumberChars = 32;
// Keys in one attributes object.
inline constexpr std::size_t kMaxAttributes = 256;

// "-12", "+7", " 3 " -> int64; rejects fractions, overflow, junk.
Result<int64_t> parse_integer(std::string_view text);
// An exact decimal scaled by 10^scale: ("2.55", 2) -> 255. More fractional
// digits than `scale` is an error, so nothing is silently rounded.
Result<int64_t> parse_scaled_decimal(std::string_view text, int scale);
// Money in minor units with two decimals ("1234.5" -> 123450).
inline Result<int64_t> parse_money(std::string_view text) { return parse_scaled_decimal(text, 2); }
// value / divisor rounded to the nearest integer, ties to even (banker's rounding).
int64_t divide_round_half_even(int64_t value, int64_t divisor);

// A plausible address (one '@', a dot in the domain, no blanks), trimmed.
Result<std::string> parse_email(std::string_view text);
// One of `choices`, case-insensitive; returns the choice as spelled there.
Result<std::string> parse_choice(std::string_view text,
                                 const std::vector<std::string_view>& choices);

// Custom attributes: "true"/"false" -> bool, an integer without leading zeros
// -> int64, a decimal -> double, anything else -> the string.
boost::json::value infer_attribute_value(std::string_view text);
// The JSON text of a flat attributes object; numbers in their shortest exact
// decimal form (29.85, not 2.985E1), so stored attributes read naturally.
std::string serialize_attributes(const boost::json::object& attributes);
// A flat JSON object of scalars (no arrays or objects), at most kMaxAttributes keys.
Result<boost::json::object> parse_attributes(std::string_view json_text);

}  // namespace icrm::ingest
