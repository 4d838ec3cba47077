// How features read cell text: what counts as missing, numbers, booleans and
// dates. Shared by schema inference and by the transform at scoring time so
// both read a cell the same way. None of these allocate.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/text.h"

namespace icrm::features {

// Empty, blank, or a conventional marker: NA, N/A, null, None, NaN, "?" (any case).
bool is_missing(std::string_view cell);

// A finite decimal number ("42", "-3.5", "+1e3", " 7 "); nullopt otherwise.
std::optional<double> parse_number(std::string_view cell);

// yes/no, true/false, y/n, t/f (any case): 1 or 0; nullopt otherwise.
std::optional<int> parse_bool_word(std::string_view cell);

// "YYYY-MM-DD", "YYYY/MM/DD", optionally followed by 'T' or ' ' and
// "HH:MM[:SS[.fff]]" and an ignored zone: seconds since the Unix epoch (UTC).
std::optional<std::int64_t> parse_datetime(std::string_view cell);

}  // namespace icrm::features
