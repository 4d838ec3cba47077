#include "notify/webhook_limits.h"

#include <algorithm>
#include <boost/url/parse.hpp>

namespace icrm::notify {

bool is_webhook_topic(std::string_view topic) {
  return std::find(kWebhookTopics.begin(), kWebhookTopics.end(), topic) != kWebhookTopics.end();
}

Status check_webhook_url(std::string_view url) {
  if (url.size() > kMaxWebhookUrlBytes)
    return Error::invalid("url is longer than " + std::to_string(kMaxWebhookUrlBytes) + " bytes",
                          "url");
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f)
      return Error::invalid("url contains spaces or control characters", "url");
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Error::invalid("url is not an absolute URL", "url");
  std::string scheme(parsed->scheme());
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "http" && scheme != "https")
    return Error::invalid("url must be http:// or https://", "url");
  if (!parsed->has_authority() || parsed->host().empty())
    return Error::invalid("url has no host", "url");
  if (parsed->has_userinfo())
    return Error::invalid("url must not carry a user name or password", "url");
  if (parsed->has_fragment()) return Error::invalid("url must not have a #fragment", "url");
  return {};
}

Status check_webhook_topics(const std::vector<std::string>& topics) {
  if (topics.empty()) return Error::invalid("topics must name at least one topic", "topics");
  for (size_t i = 0; i < topics.size(); ++i) {
    if (!is_webhook_topic(topics[i]))
      return Error::invalid("unknown topic '" + topics[i] + "' (decision, alert or score)",
                            "topics[" + std::to_string(i) + "]");
    if (std::find(topics.begin(), topics.begin() + i, topics[i]) != topics.begin() + i)
      return Error::invalid("topic '" + topics[i] + "' is repeated",
                            "topics[" + std::to_string(i) + "]");
  }
  return {};
}

}  // namespace icrm::notify
