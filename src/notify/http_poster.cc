#include "notify/http_poster.h"

#include <curl/curl.h>

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

class CurlPoster final : public HttpPoster {
 public:
  explicit CurlPoster(CurlPosterOptions options) : options_(options) { init_curl_once(); }

  PostResult post(const std::string& url,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::string& body) override {
    PostResult result;
    auto started = std::chrono::steady_clock::now();
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) {
      result.error = "cannot start an HTTP client";
      return result;
    }
    curl_slist* list = nullptr;
    for (const auto& [name, value] : headers)
      list = curl_slist_append(list, (name + ": " + value).c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list,
                                                                            curl_slist_free_all);
    size_t seen = 0;
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
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
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && code > 0))
      result.error = curl_easy_strerror(rc);
    result.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return result;
  }

 private:
  CurlPosterOptions options_;
};

}  // namespace

std::unique_ptr<HttpPoster> make_curl_poster(CurlPosterOptions options) {
  return std::make_unique<CurlPoster>(options);
}

}  // namespace icrm::notify
