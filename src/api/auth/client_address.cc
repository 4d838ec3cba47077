#include "api/auth/client_address.h"

#include <boost/asio/ip/address.hpp>

namespace icrm::api::auth {

std::optional<std::string> canonical_ip(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .to_string();
  }
  return address.to_string();
}

std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           std::string_view trusted_proxy) {
  std::string from = canonical_ip(peer).value_or(std::string(peer));
  if (trusted_proxy.empty() || !forwarded_for || forwarded_for->size() > kMaxForwardedForLength)
    return from;
  if (canonical_ip(trusted_proxy) != from) return from;
  std::string_view list = *forwarded_for;
  auto comma = list.rfind(',');
  std::string_view last = comma == std::string_view::npos ? list : list.substr(comma + 1);
  return canonical_ip(last).value_or(from);
}

}  // namespace icrm::api::auth
