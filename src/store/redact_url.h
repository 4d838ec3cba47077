// Redacting database URLs for logs and messages (Database::display_url, the
// errors of parse_database_url).
#pragma once

#include <string>
#include <string_view>

namespace icrm::store {

// `url` with every password replaced by ***: the userinfo's
// ("postgresql://user:pw@", also with an empty user ":pw@" and a password
// holding '@' or '/'), a `password=` query parameter, and a libpq
// keyword/value string's `password=...` (quoted or not). Anything else is
// kept as it is.
std::string redact_database_url(std::string_view url);

}  // namespace icrm::store
