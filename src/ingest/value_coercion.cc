#include "ingest/value_coercion.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/text.h"

namespace icrm::ingest {

Result<int64_t> parse_integer(std::string_view text) {
  auto t = trim_blanks(text);
  if (t.size() > kMaxNumberChars) return Error::invalid("number too long");
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec == std::errc::invalid_argument || end != t.data() + t.size())
    return Error::invalid(fmt::format("'{}' is not a whole number", text));
  if (ec == std::errc::result_out_of_range)
    return Error::invalid(fmt::format("'{}' is out of range", text));
  return v;
}

Result<int64_t> parse_scaled_decimal(std::string_view text, int scale) {
  auto t = trim_blanks(text);
  if (t.size() > kMaxNumberChars) return Error::invalid("number too long");
  bool negative = false;
  if (!t.empty() && (t.front() == '-' || t.front() == '+')) {
    negative = t.front() == '-';
    t.remove_prefix(1);
  }
  auto bad = [&] { return Error::invalid(fmt::format("'{}' is not a decimal number", text)); };
  if (t.empty()) return bad();
  constexpr int64_t kLargest = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMax = kLargest / 10;
  int64_t v = 0;
  int frac = -1;  // digits after the point, -1 before it
  bool digits = false;
  for (char c : t) {
    if (c == '.') {
      if (frac >= 0) return bad();
      frac = 0;
      continue;
    }
    if (c < '0' || c > '9') return bad();
    digits = true;
    if (frac >= 0 && ++frac > scale) {
      if (c == '0') continue;  // trailing zeros beyond the scale are exact
      return Error::invalid(fmt::format("'{}' has more than {} decimal places", text, scale));
    }
    const int digit = c - '0';
    // v * 10 + digit must fit: v <= kMax is not enough ("9223372036854775808").
    if (v > (kLargest - digit) / 10)
      return Error::invalid(fmt::format("'{}' is out of range", text));
    v = v * 10 + digit;
  }
  if (!digits) return bad();
  for (int k = std::max(frac, 0); k < scale; ++k) {
    if (v > kMax) return Error::invalid(fmt::format("'{}' is out of range", text));
    v *= 10;
  }
  return negative ? -v : v;
}

int64_t divide_round_half_even(int64_t value, int64_t divisor) {
  int64_t q = value / divisor, r = value % divisor;
  int64_t twice = 2 * (r < 0 ? -r : r);
  if (twice > divisor || (twice == divisor && (q % 2 != 0))) q += (value < 0) ? -1 : 1;
  return q;
}

Result<std::string> parse_email(std::string_view text) {
  auto t = trim_blanks(text);
  auto at = t.find('@');
  bool ok = at != std::string_view::npos && at > 0 && t.find('@', at + 1) == std::string_view::npos;
  if (ok) {
    auto domain = t.substr(at + 1);
    auto dot = domain.find('.');
    ok = dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
  }
  if (ok) {
    for (char c : t) {
      if (static_cast<unsigned char>(c) <= ' ' || c == ',' || c == ';' || c == '<' || c == '>') {
        ok = false;
        break;
      }
    }
  }
  if (!ok || t.size() > 254)
    return Error::invalid(fmt::format("'{}' is not an email address", text));
  return std::string(t);
}

Result<std::string> parse_choice(std::string_view text,
                                 const std::vector<std::string_view>& choices) {
  auto t = trim_blanks(text);
  for (auto c : choices) {
    if (c.size() != t.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < c.size() && same; ++i) {
      char a = t[i];
      if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
      same = a == c[i];
    }
    if (same) return std::string(c);
  }
  std::string list;
  for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  return Error::invalid(fmt::format("'{}' is not one of {}", text, list));
}

boost::json::value infer_attribute_value(std::string_view text) {
  auto t = trim_blanks(text);
  if (t == "true" || t == "TRUE" || t == "True") return true;
  if (t == "false" || t == "FALSE" || t == "False") return false;
  std::string_view digits = t;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  bool leading_zero = digits.size() > 1 && digits.front() == '0' && digits[1] != '.';
  if (!digits.empty() && !leading_zero && digits.size() <= kMaxNumberChars) {
    int64_t i = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
    if (ec == std::errc() && end == t.data() + t.size()) return i;
    bool decimal_shape = digits.front() != '.' && digits.back() != '.';
    for (char c : digits) decimal_shape = decimal_shape && ((c >= '0' && c <= '9') || c == '.');
    if (decimal_shape && std::count(digits.begin(), digits.end(), '.') == 1) {
      double d = 0;
      auto [dend, dec] = std::from_chars(t.data(), t.data() + t.size(), d);
      if (dec == std::errc() && dend == t.data() + t.size() && std::isfinite(d)) return d;
    }
  }
  return boost::json::string(t);
}

Result<boost::json::object> parse_attributes(std::string_view json_text) {
  auto t = trim_blanks(json_text);
  if (t.empty()) return boost::json::object{};
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(t, ec);
  if (ec) return Error::invalid("attributes are not valid JSON: " + ec.message());
  if (!v.is_object()) return Error::invalid("attributes must be a JSON object");
  auto& obj = v.as_object();
  if (obj.size() > kMaxAttributes)
    return Error::too_large(fmt::format("more than {} attributes", kMaxAttributes));
  for (const auto& kv : obj) {
    if (kv.value().is_object() || kv.value().is_array())
      return Error::invalid(
          fmt::format("attribute '{}' is not a scalar value", std::string_view(kv.key())));
  }
  return std::move(obj);
}

std::string serialize_attributes(const boost::json::object& attributes) {
  std::string out = "{";
  for (const auto& kv : attributes) {
    if (out.size() > 1) out.push_back(',');
    out += boost::json::serialize(boost::json::string(kv.key()));
    out.push_back(':');
    const auto& v = kv.value();
    if (v.is_double()) {
      out += fmt::format("{}", v.as_double());
    } else {
      out += boost::json::serialize(v);
    }
  }
  out.push_back('}');
  return out;
}

}  // namespace icrm::ingest
