#include "store/redact_url.h"

#include <algorithm>
#include <cctype>

namespace icrm::store {

std::string redact_database_url(std::string_view url) {
  constexpr std::string_view kMask = "***";
  std::string out(url);
  // The userinfo of a URI: up to the last '@' before the query, so that a
  // raw '@' or '/' in the password is masked too.
  if (size_t scheme = out.find("://"); scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t query = out.find_first_of("?#", start);
    size_t at = out.rfind('@', query == std::string::npos ? std::string::npos : query);
    if (at != std::string::npos && at >= start) {
      size_t colon = out.find(':', start);
      if (colon < at) out.replace(colon + 1, at - colon - 1, kMask);
    }
  }
  // password=VALUE as a query parameter (ends at & or #) or a libpq keyword
  // (ends at a blank, or is a quoted '...' with \-escapes), any case.
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  constexpr std::string_view kKey = "password";
  for (size_t i = 0; i + kKey.size() <= out.size(); ++i) {
    bool starts_key = i == 0 || out[i - 1] == '?' || out[i - 1] == '&' ||
                      std::isspace(static_cast<unsigned char>(out[i - 1]));
    if (!starts_key) continue;
    size_t k = 0;
    while (k < kKey.size() && lower(out[i + k]) == kKey[k]) ++k;
    if (k < kKey.size()) continue;
    size_t eq = i + k;
    while (eq < out.size() && out[eq] == ' ') ++eq;
    if (eq >= out.size() || out[eq] != '=') continue;
    size_t begin = eq + 1;
    while (begin < out.size() && out[begin] == ' ') ++begin;
    size_t end = begin;
    if (end < out.size() && out[end] == '\'') {
      for (++end; end < out.size() && out[end] != '\''; ++end)
        if (out[end] == '\\') ++end;
      end = std::min(end + 1, out.size());
    } else {
      while (end < out.size() && out[end] != '&' && out[end] != '#' &&
             !std::isspace(static_cast<unsigned char>(out[end])))
        ++end;
    }
    out.replace(begin, end - begin, kMask);
    i = begin + kMask.size() - 1;
  }
  return out;
}

}  // namespace icrm::store
