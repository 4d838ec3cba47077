#include "notify/egress_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <cstring>

namespace icrm::notify {
namespace {

struct SpecialRange {
  const char* cidr;
  std::string_view kind;
};

// First match names the kind, so the narrower ranges come first.
constexpr SpecialRange kSpecialRanges[] = {
    {"0.0.0.0/8", "this-network"},
    {"10.0.0.0/8", "private"},
    {"100.64.0.0/10", "shared (carrier-grade NAT)"},
    {"127.0.0.0/8", "loopback"},
    {"169.254.169.254/32", "cloud metadata"},
    {"169.254.0.0/16", "link-local"},
    {"172.16.0.0/12", "private"},
    {"192.0.0.0/24", "IETF protocol"},
    {"192.0.2.0/24", "documentation"},
    {"192.88.99.0/24", "6to4 relay"},
    {"192.168.0.0/16", "private"},
    {"198.18.0.0/15", "benchmarking"},
    {"198.51.100.0/24", "documentation"},
    {"203.0.113.0/24", "documentation"},
    {"224.0.0.0/4", "multicast"},
    {"240.0.0.0/4", "reserved"},
    {"::/128", "unspecified"},
    {"::1/128", "loopback"},
    {"::/96", "IPv4-compatible"},
    {"::ffff:0:0:0/96", "IPv4-translated"},
    {"64:ff9b:1::/48", "NAT64 local"},
    {"100::/64", "discard"},
    {"2001:db8::/32", "documentation"},
    {"2001::/32", "Teredo"},
    {"fc00::/7", "unique-local"},
    {"fe80::/10", "link-local"},
    {"fec0::/10", "site-local"},
    {"ff00::/8", "multicast"},
};

struct ParsedRange {
  IpNetwork network;
  std::string_view kind;
};

const std::vector<ParsedRange>& special_ranges() {
  static const std::vector<ParsedRange> ranges = [] {
    std::vector<ParsedRange> out;
    for (const auto& r : kSpecialRanges) out.push_back({*parse_ip_network(r.cidr), r.kind});
    return out;
  }();
  return ranges;
}

IpAddress v4_from(const uint8_t* four) {
  IpAddress a;
  std::copy(four, four + 4, a.bytes.begin());
  return a;
}

// ::ffff:a.b.c.d is a.b.c.d: one form for the checks and the allow-list.
IpAddress normalized(const uint8_t* sixteen) {
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(sixteen, kMappedPrefix, sizeof kMappedPrefix) == 0) return v4_from(sixteen + 12);
  IpAddress a;
  a.v6 = true;
  std::copy(sixteen, sixteen + 16, a.bytes.begin());
  return a;
}

// The IPv4 address an IPv6 one carries to an IPv4 host (NAT64 64:ff9b::/96,
// 6to4 2002::/16), if any.
std::optional<IpAddress> embedded_v4(const IpAddress& a) {
  if (!a.v6) return std::nullopt;
  static constexpr uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(a.bytes.data(), kNat64, sizeof kNat64) == 0) return v4_from(a.bytes.data() + 12);
  if (a.bytes[0] == 0x20 && a.bytes[1] == 0x02) return v4_from(a.bytes.data() + 2);
  return std::nullopt;
}

}  // namespace

bool IpNetwork::contains(const IpAddress& a) const {
  if (a.v6 != base.v6) return false;
  int whole = prefix / 8, rest = prefix % 8;
  if (!std::equal(a.bytes.begin(), a.bytes.begin() + whole, base.bytes.begin())) return false;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == (base.bytes[whole] & mask);
}

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  std::string s(text);
  uint8_t buffer[16];
  if (inet_pton(AF_INET, s.c_str(), buffer) == 1) return v4_from(buffer);
  if (inet_pton(AF_INET6, s.c_str(), buffer) == 1) return normalized(buffer);
  return std::nullopt;
}

std::optional<IpAddress> ip_address_of(const sockaddr* address, size_t length) {
  if (address == nullptr) return std::nullopt;
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    std::memcpy(&in, address, sizeof in);
    return v4_from(reinterpret_cast<const uint8_t*>(&in.sin_addr));
  }
  if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6;
    std::memcpy(&in6, address, sizeof in6);
    return normalized(in6.sin6_addr.s6_addr);
  }
  return std::nullopt;
}

std::string to_string(const IpAddress& a) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), text, sizeof text);
  return text;
}

Result<IpNetwork> parse_ip_network(std::string_view cidr) {
  auto slash = cidr.find('/');
  auto address_text = cidr.substr(0, slash);
  auto address = parse_ip_address(address_text);
  if (!address)
    return Error::invalid("'" + std::string(cidr) + "' is not an IP address or network (CIDR)");
  // A mapped IPv6 network (::ffff:10.0.0.0/104) is held as its IPv4 network.
  const bool written_v6 = address_text.find(':') != std::string_view::npos;
  const int written_bits = written_v6 ? 128 : 32;
  int prefix = written_bits;
  if (slash != std::string_view::npos) {
    auto digits = cidr.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(digits)) > written_bits)
      return Error::invalid("'" + std::string(cidr) + "' has a prefix length outside 0.." +
                            std::to_string(written_bits));
    prefix = std::stoi(std::string(digits));
  }
  if (written_v6 && !address->v6) {
    if (prefix < 96)
      return Error::invalid("'" + std::string(cidr) + "' is wider than the IPv4-mapped range");
    prefix -= 96;
  }
  IpNetwork network{*address, prefix};
  IpAddress host_bits_cleared{};
  host_bits_cleared.v6 = address->v6;
  for (int bit = 0; bit < prefix; ++bit)
    host_bits_cleared.bytes[bit / 8] |= address->bytes[bit / 8] & (0x80 >> (bit % 8));
  if (!(host_bits_cleared == *address))
    return Error::invalid("'" + std::string(cidr) +
                          "' has bits set past its prefix; did you mean " +
                          to_string(host_bits_cleared) + "/" + std::to_string(prefix) + "?");
  return network;
}

std::optional<std::string_view> special_address_kind(const IpAddress& a) {
  for (const auto& r : special_ranges())
    if (r.network.contains(a)) return r.kind;
  if (auto inner = embedded_v4(a)) return special_address_kind(*inner);
  return std::nullopt;
}

Status EgressPolicy::check_address(const IpAddress& a) const {
  auto kind = special_address_kind(a);
  if (!kind) return {};
  if (std::any_of(allowed.begin(), allowed.end(),
                  [&](const IpNetwork& n) { return n.contains(a); }))
    return {};
  return Error::permission_denied(to_string(a) + " is a " + std::string(*kind) +
                                  " address; webhooks may reach it only when it is allowed "
                                  "(serve --webhook-allow CIDR)");
}

Status EgressPolicy::check_scheme(std::string_view scheme) const {
  auto known = boost::urls::string_to_scheme(scheme);  // case-insensitive
  if (known == boost::urls::scheme::https || (known == boost::urls::scheme::http && allow_http))
    return {};
  return Error::permission_denied(
      "url must be https:// (http:// only when the server allows it: serve --webhook-allow-http)");
}

Status EgressPolicy::check_url(std::string_view url) const {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Error::invalid("url is not an absolute URL", "url");
  if (auto s = check_scheme(parsed->scheme()); !s) return Error::invalid(s.error().message, "url");
  std::optional<IpAddress> literal;
  switch (parsed->host_type()) {
    case boost::urls::host_type::ipv4: {
      auto bytes = parsed->host_ipv4_address().to_bytes();
      literal = v4_from(bytes.data());
      break;
    }
    case boost::urls::host_type::ipv6: {
      auto bytes = parsed->host_ipv6_address().to_bytes();
      literal = normalized(bytes.data());
      break;
    }
    case boost::urls::host_type::ipvfuture:
      return Error::invalid("url has an IP literal of an unknown version", "url");
    default:
      break;  // a name: checked on every address it resolves to, when connecting
  }
  if (literal) {
    if (auto s = check_address(*literal); !s) return Error::invalid(s.error().message, "url");
  }
  return {};
}

Result<EgressPolicy> make_egress_policy(bool allow_http, const std::vector<std::string>& allow) {
  if (allow.size() > kMaxWebhookAllowRules)
    return Error::too_large(
        "at most " + std::to_string(kMaxWebhookAllowRules) + " --webhook-allow networks",
        "webhook-allow");
  EgressPolicy policy;
  policy.allow_http = allow_http;
  for (size_t i = 0; i < allow.size(); ++i) {
    auto network = parse_ip_network(allow[i]);
    if (!network)
      return Error::invalid(
          "--webhook-allow #" + std::to_string(i + 1) + ": " + network.error().message,
          "webhook-allow");
    policy.allowed.push_back(*network);
  }
  return policy;
}

}  // namespace icrm::notify
