// EgressPolicy: where a webhook may connect. A webhook makes this server send
// requests to a URL an admin typed, from inside its network; by default it
// may reach only public addresses over https.
//
// Refused unless allowed: loopback, "this network", private (RFC 1918),
// shared (100.64/10), link-local (169.254/16, with the cloud metadata address
// 169.254.169.254), documentation, benchmarking, multicast and reserved IPv4
// ranges; the IPv6 unspecified, loopback, unique-local, link-local,
// site-local, multicast, documentation, Teredo and IPv4-compatible ranges; and
// IPv4 addresses hidden in IPv6 (mapped ::ffff:a.b.c.d, NAT64, 6to4) by the
// IPv4 address inside. The check is made on every address libcurl is about to
// connect to (http_poster.cc), after name resolution, so a public name that
// resolves to 127.0.0.1 is refused too (DNS rebinding); the API also refuses
// such URLs up front when their host is an address literal.
//
// `allowed` networks (serve --webhook-allow CIDR) are exempt: intranet
// receivers. http:// is refused unless allow_http (--webhook-allow-http).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct sockaddr;

namespace icrm::notify {

// Networks in an allow-list (--webhook-allow given this many times at most).
inline constexpr size_t kMaxWebhookAllowRules = 64;

// An IPv4 or IPv6 address in network byte order (IPv4 in bytes[0..3]). IPv4
// mapped into IPv6 (::ffff:a.b.c.d) is always held as the IPv4 address.
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  bool operator==(const IpAddress&) const = default;
};

struct IpNetwork {
  IpAddress base;
  int prefix = 0;  // bits
  bool contains(const IpAddress& a) const;
};

// "10.1.2.3", "::1", "::ffff:127.0.0.1" (no brackets, no zone); nullopt otherwise.
std::optional<IpAddress> parse_ip_address(std::string_view text);
// The address of a socket address of `length` bytes (AF_INET or AF_INET6);
// nullopt for others.
std::optional<IpAddress> ip_address_of(const sockaddr* address, size_t length);
std::string to_string(const IpAddress& a);
// "10.0.0.0/8", "fd00::/8", or one address ("10.0.0.7": /32, "::1": /128).
// Host bits set below the prefix are refused ("10.0.0.1/8"): a typo.
Result<IpNetwork> parse_ip_network(std::string_view cidr);

// What kind of non-public address `a` is ("loopback", "private",
// "link-local", ...); nullopt for a public address.
std::optional<std::string_view> special_address_kind(const IpAddress& a);

struct EgressPolicy {
  bool allow_http = false;
  std::vector<IpNetwork> allowed;

  // OK for a public address or one in `allowed`; otherwise permission
  // denied, naming the kind of address.
  Status check_address(const IpAddress& a) const;
  // OK for https, and for http when allow_http.
  Status check_scheme(std::string_view scheme) const;
  // What can be known from the URL alone: its scheme, and its host when that
  // is an address literal (a name is checked when it is connected to). The
  // error names the field "url". REQUIRES: check_webhook_url(url) passed.
  Status check_url(std::string_view url) const;
};

// The policy of serve's settings; each bad CIDR named by its position.
Result<EgressPolicy> make_egress_policy(bool allow_http, const std::vector<std::string>& allow);

}  // namespace icrm::notify
