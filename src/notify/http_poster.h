// HttpPoster: sends one webhook POST and says what happened. The interface
// is the worker's one side effect besides the database; CurlPoster (libcurl,
// confined to http_poster.cc) is the real one.
//
// Why libcurl rather than a Boost.Beast client: a webhook URL may be https
// with any certificate chain, proxies (HTTPS_PROXY) and IPv6; libcurl does
// name resolution, TLS verification against the system CAs, connect and total
// timeouts and protocol restriction in a few options, where Beast would need
// the resolver, SSL context, SNI and timers written here.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace icrm::notify {

inline constexpr std::chrono::milliseconds kDefaultConnectTimeout{5'000};
inline constexpr std::chrono::milliseconds kDefaultRequestTimeout{10'000};

struct PostResult {
  std::optional<int> status_code;  // none when no response came (DNS, connect, timeout)
  std::string error;               // "" when a response came
  std::chrono::milliseconds latency{0};
  bool ok() const { return status_code && *status_code >= 200 && *status_code < 300; }
};

class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  // Thread-safe: the worker may call it from its one thread while a test
  // ping runs on another.
  virtual PostResult post(const std::string& url,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          const std::string& body) = 0;
};

struct CurlPosterOptions {
  std::chrono::milliseconds connect_timeout = kDefaultConnectTimeout;
  std::chrono::milliseconds request_timeout = kDefaultRequestTimeout;
};

// libcurl: http and https only (also on redirects, which are not followed),
// TLS peers verified, no signals. One easy handle per call.
std::unique_ptr<HttpPoster> make_curl_poster(CurlPosterOptions options = {});

}  // namespace icrm::notify
