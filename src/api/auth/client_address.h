// The client address sign-in limits and sessions are keyed on. Behind a
// reverse proxy every request comes from the proxy, so its X-Forwarded-For
// is believed — but only when the connection comes from the one proxy the
// operator named (serve --trusted-proxy); from anyone else the header is a
// claim anybody can make, and ignored. The proxy appends the address it was
// reached from, so the last entry is taken: earlier entries come from the
// client and are not trusted either.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace icrm::api::auth {

// An X-Forwarded-For header longer than this is ignored.
inline constexpr size_t kMaxForwardedForLength = 2048;

// The canonical text of an IPv4/IPv6 literal (an IPv4-mapped IPv6 address
// as IPv4), or nothing when `text` is not one.
std::optional<std::string> canonical_ip(std::string_view text);

// `peer`, or the last X-Forwarded-For entry when `peer` is `trusted_proxy`
// (empty: no proxy is trusted) and that entry is an IP literal.
std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           std::string_view trusted_proxy);

}  // namespace icrm::api::auth
