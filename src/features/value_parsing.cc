#include "features/value_parsing.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <string>

#include "core/text.h"
#include "core/time.h"

namespace icrm::features {
namespace {}  // namespace

bool is_missing(std::string_view cell) {
  cell = trim_blanks(cell);
  if (cell.empty()) return true;
  if (cell.size() > 4) return false;
  return cell == "?" || iequals(cell, "na") || iequals(cell, "n/a") || iequals(cell, "null") ||
         iequals(cell, "none") || iequals(cell, "nan");
}

std::optional<double> parse_number(std::string_view cell) {
  cell = trim_blanks(cell);
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  if (cell.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ec != std::errc() || end != cell.data() + cell.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

std::optional<int> parse_bool_word(std::string_view cell) {
  cell = trim_blanks(cell);
  if (iequals(cell, "yes") || iequals(cell, "true") || iequals(cell, "y") || iequals(cell, "t"))
    return 1;
  if (iequals(cell, "no") || iequals(cell, "false") || iequals(cell, "n") || iequals(cell, "f"))
    return 0;
  return std::nullopt;
}

std::optional<std::int64_t> parse_datetime(std::string_view cell) {
  cell = trim_blanks(cell);
  // core's ISO-8601 reader, which also takes "YYYY/MM/DD" once the slashes
  // are read as dashes (a common spreadsheet export).
  std::string dashed;
  if (cell.size() >= 10 && cell[4] == '/' && cell[7] == '/') {
    dashed.assign(cell);
    dashed[4] = dashed[7] = '-';
    cell = dashed;
  }
  auto t = parse_timestamp(cell, true);
  if (!t) return std::nullopt;
  return std::chrono::floor<std::chrono::seconds>(*t).time_since_epoch().count();
}

}  // namespace icrm::features
