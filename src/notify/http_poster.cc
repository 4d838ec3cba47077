#include "notify/http_poster.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <boost/url/parse.hpp>
#include <chrono>
#include <mutex>

namespace icrm::notify {
namespace {

// curl_global_init is not thread-safe; run it once before the first handle.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The response body is not used; read and drop at most this much of it.
constexpr size_t kMaxResponseBytes = 64 * 1024;

size_t discard(char*, size_t size, size_t n, void* seen) {
  size_t bytes = size * n;
  auto* total = static_cast<size_t*>(seen);
  *total += bytes;
  return *total > kMaxResponseBytes ? 0 : bytes;  // 0 aborts the transfer
}

// What the policy refused during one transfer (CURLOPT_OPENSOCKETDATA).
struct ConnectGuard {
  const EgressPolicy* policy;
  int refused = 0;
  std::string why;  // the first refusal, for the server log
};

// libcurl asks for a socket for each address it will try, after resolving
// the name: the one point where the address to be connected is known for
// sure. Refusing here means no packet goes to it.
curl_socket_t open_checked_socket(void* data, curlsocktype purpose, curl_sockaddr* address) {
  auto* guard = static_cast<ConnectGuard*>(data);
  auto ip = purpose == CURLSOCKTYPE_IPCXN ? ip_address_of(&address->addr, address->addrlen)
                                          : std::nullopt;
  Status allowed = ip ? guard->policy->check_address(*ip)
                      : Status(Error::permission_denied("not an IP connection"));
  if (!allowed) {
    if (guard->refused++ == 0) guard->why = allowed.error().message;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// The class an admin is shown for a transfer that got no usable response.
std::string_view error_class(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return kCouldNotConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return kTimedOut;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return kTlsError;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return kNoHttpResponse;
    case CURLE_UNSUPPORTED_PROTOCOL:
      return kRefusedByPolicy;
    default:
      return kDeliveryFailed;
  }
}

class CurlPoster final : public HttpPoster {
 public:
  explicit CurlPoster(CurlPosterOptions options) : options_(std::move(options)) {
    init_curl_once();
  }

  PostResult post(const std::string& url,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::string& body) override {
    PostResult result;
    auto started = std::chrono::steady_clock::now();
    auto parsed = boost::urls::parse_absolute_uri(url);
    Status scheme = parsed ? options_.egress.check_scheme(parsed->scheme())
                           : Status(Error::invalid("not an absolute URL"));
    if (!scheme) {
      result.error = kRefusedByPolicy;
      result.detail = scheme.error().message;
      return result;
    }
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) {
      result.error = kDeliveryFailed;
      result.detail = "cannot start an HTTP client";
      return result;
    }
    curl_slist* list = nullptr;
    for (const auto& [name, value] : headers)
      list = curl_slist_append(list, (name + ": " + value).c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list,
                                                                            curl_slist_free_all);
    size_t seen = 0;
    ConnectGuard guard{&options_.egress, 0, {}};
    char curl_error[CURL_ERROR_SIZE] = {};
    const char* protocols = options_.egress.allow_http ? "http,https" : "https";
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols);
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &guard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
    curl_easy_setopt(h, CURLOPT_USERAGENT, "InsightCRM-Webhooks/1");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &seen);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (code > 0) result.status_code = static_cast<int>(code);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && code > 0)) {
      // A refused address ends the transfer as "couldn't connect" when no
      // other address was left to try: name the refusal, not the symptom.
      result.error = guard.refused > 0 ? kRefusedByPolicy : error_class(rc);
      result.detail = curl_easy_strerror(rc);
      if (curl_error[0] != '\0') result.detail += std::string(": ") + curl_error;
      if (guard.refused > 0) result.detail += " (" + guard.why + ")";
    }
    result.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return result;
  }

 private:
  CurlPosterOptions options_;
};

}  // namespace

std::unique_ptr<HttpPoster> make_curl_poster(CurlPosterOptions options) {
  return std::make_unique<CurlPoster>(std::move(options));
}

}  // namespace icrm::notify
