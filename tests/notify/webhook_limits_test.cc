// What an admin may configure: http(s) URLs of bounded length, known topics.
#include "notify/webhook_limits.h"

#include <gtest/gtest.h>

namespace icrm::notify {
namespace {

TEST(WebhookLimitsTest, AcceptsHttpAndHttpsUrls) {
  EXPECT_TRUE(check_webhook_url("https://hooks.example.com/crm?x=1").ok());
  EXPECT_TRUE(check_webhook_url("http://127.0.0.1:8080/hook").ok());
  EXPECT_TRUE(check_webhook_url("HTTPS://example.com/").ok());
}

TEST(WebhookLimitsTest, RefusesOtherSchemesAndShapes) {
  for (const char* bad :
       {"ftp://example.com/", "file:///etc/passwd", "gopher://x/", "example.com/hook", "/relative",
        "https:///nohost", "https://user:pw@example.com/", "https://example.com/#frag",
        "https://exa mple.com/", "", "javascript:alert(1)"}) {
    auto s = check_webhook_url(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().field, "url") << bad;
  }
}

TEST(WebhookLimitsTest, UrlLengthAtTheLimitAndOnePast) {
  std::string prefix = "https://example.com/";
  std::string at = prefix + std::string(kMaxWebhookUrlBytes - prefix.size(), 'a');
  ASSERT_EQ(at.size(), kMaxWebhookUrlBytes);
  EXPECT_TRUE(check_webhook_url(at).ok());
  EXPECT_FALSE(check_webhook_url(at + "a").ok());
}

TEST(WebhookLimitsTest, TopicsAreKnownAndNotRepeated) {
  EXPECT_TRUE(check_webhook_topics({"decision", "alert", "score"}).ok());
  EXPECT_FALSE(check_webhook_topics({}).ok());
  auto summary = check_webhook_topics({"decision", "summary"});
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().field, "topics[1]");
  EXPECT_FALSE(check_webhook_topics({"alert", "alert"}).ok());
  EXPECT_FALSE(check_webhook_topics({"ping"}).ok());
}

}  // namespace
}  // namespace icrm::notify
