#include "features/value_parsing.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>

namespace icrm::features {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

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
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (cell.size() < 10 || !digits(cell, 0, 4, y) || (cell[4] != '-' && cell[4] != '/') ||
      !digits(cell, 5, 2, mo) || cell[7] != cell[4] || !digits(cell, 8, 2, d))
    return std::nullopt;
  if (cell.size() > 10) {
    if ((cell[10] != 'T' && cell[10] != ' ') || !digits(cell, 11, 2, h) || cell.size() < 16 ||
        cell[13] != ':' || !digits(cell, 14, 2, mi))
      return std::nullopt;
    if (cell.size() > 16 && cell[16] == ':' && !digits(cell, 17, 2, s)) return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return sys_days{ymd}.time_since_epoch().count() * 86400LL + h * 3600 + mi * 60 + s;
}

}  // namespace icrm::features
