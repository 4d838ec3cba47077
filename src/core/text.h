// Small text helpers every stage shares: blanks trimmed, ASCII
// case-insensitive comparison, and UTF-8 validation (UTF8-CPP's checker,
// Debian's libutfcpp-dev, behind an ASCII fast path).
#pragma once

#include <string_view>

namespace icrm {

// Leading and trailing spaces and tabs removed (not other white space: a CSV
// cell's or a header's line ending is the reader's business).
std::string_view trim_blanks(std::string_view s);

// Equal but for the case of ASCII letters (bytes >= 0x80 compare exactly).
bool iequals(std::string_view a, std::string_view b);

// Well-formed UTF-8: no overlong forms, surrogates, code points past U+10FFFF
// or truncated sequences.
bool is_valid_utf8(std::string_view s);

}  // namespace icrm
