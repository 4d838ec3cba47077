// JSON arrays kept as TEXT columns (webhook topics, the names a bandit
// posterior was learned on): the one way they are written and read back.
#pragma once

#include <string>
#include <vector>

namespace icrm::store {

// ["a","b"] for {a, b}.
std::string string_array_text(const std::vector<std::string>& items);
// The strings of a JSON array; entries that are not strings are skipped, and
// text that is not an array gives none.
std::vector<std::string> string_array_from_text(const std::string& text);

}  // namespace icrm::store
