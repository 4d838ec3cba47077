// UTF-8 validation for text that arrives from outside (request targets, query
// values) before it reaches the store. Boost.JSON checks JSON strings itself.
#pragma once

#include <string_view>

namespace icrm::api {

// True when `s` is well-formed UTF-8: no overlong forms, no surrogates, no
// code points past U+10FFFF, no truncated sequences.
bool is_valid_utf8(std::string_view s);

}  // namespace icrm::api
