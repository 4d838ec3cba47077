// The webhook routes through the whole router on both engines: the secret is
// shown once (and again only when replaced), URLs and topics are checked at
// their limits and against the egress policy, the endpoint count is bounded,
// a test ping lands in the delivery log, and every change is audited.
#include <gtest/gtest.h>

#include "notify/webhook_limits.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class WebhookRoutesTest : public testing::ApiTest {
 protected:
  Response create_hook(const std::string& url, const std::string& topics = R"(["decision"])") {
    return post(Principal::kAdmin, "/api/v1/webhooks",
                R"({"url":")" + url + R"(","topics":)" + topics + "}");
  }
};

TEST_P(WebhookRoutesTest, TheSecretIsShownOnceOnCreate) {
  auto r = create_hook("https://hooks.example.com/crm", R"(["decision","alert"])");
  ASSERT_EQ(r.status, 201) << r.body;
  auto made = json(r);
  std::string secret(made.at("secret").as_string());
  EXPECT_EQ(secret.rfind("whsec_", 0), 0u);
  EXPECT_EQ(made.at("active").as_bool(), true);
  std::string id = std::to_string(made.at("id").as_int64());
  EXPECT_EQ(r.headers.get("Location").value_or(""), "/api/v1/webhooks/" + id);

  auto one = get(Principal::kAdmin, "/api/v1/webhooks/" + id);
  ASSERT_EQ(one.status, 200);
  EXPECT_FALSE(json(one).contains("secret"));
  EXPECT_EQ(one.body.find(secret), std::string::npos);
  auto list = get(Principal::kAdmin, "/api/v1/webhooks");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json(list).at("items").as_array().size(), 1u);
  EXPECT_EQ(list.body.find(secret), std::string::npos);
}

TEST_P(WebhookRoutesTest, RefusesBadUrlsAndTopicsNamingTheField) {
  auto ftp = create_hook("ftp://example.com/x");
  ASSERT_EQ(ftp.status, 400);
  EXPECT_EQ(error_fields(json(ftp)), std::vector<std::string>{"url"});
  auto summary = create_hook("https://example.com/", R"(["summary"])");
  ASSERT_EQ(summary.status, 400);
  EXPECT_EQ(error_fields(json(summary)), std::vector<std::string>{"topics[0]"});
  auto not_array = create_hook("https://example.com/", R"("decision")");
  EXPECT_EQ(not_array.status, 400);
  auto missing = post(Principal::kAdmin, "/api/v1/webhooks", R"({"url":"https://example.com/"})");
  EXPECT_EQ(missing.status, 400);
}

TEST_P(WebhookRoutesTest, UrlLengthAtTheLimitAndOnePast) {
  std::string prefix = "https://example.com/";
  std::string at = prefix + std::string(notify::kMaxWebhookUrlBytes - prefix.size(), 'a');
  EXPECT_EQ(create_hook(at).status, 201);
  auto past = create_hook(at + "a");
  ASSERT_EQ(past.status, 400);
  EXPECT_EQ(error_fields(json(past)), std::vector<std::string>{"url"});
}

TEST_P(WebhookRoutesTest, EndpointCountAtTheLimitAndOnePast) {
  for (size_t i = 0; i < notify::kMaxWebhookEndpoints; ++i)
    ASSERT_EQ(create_hook("https://example.com/" + std::to_string(i)).status, 201) << i;
  auto past = create_hook("https://example.com/past");
  EXPECT_EQ(past.status, 409) << past.body;
}

TEST_P(WebhookRoutesTest, PatchChangesOnlyTheFieldsSentAndDeleteRemoves) {
  auto made = json(create_hook("https://example.com/a", R"(["alert"])"));
  std::string path = "/api/v1/webhooks/" + std::to_string(made.at("id").as_int64());
  auto r = patch(Principal::kAdmin, path, R"({"active":false,"topics":["score","decision"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto after = json(r);
  EXPECT_EQ(after.at("active").as_bool(), false);
  EXPECT_EQ(after.at("url").as_string(), "https://example.com/a");
  EXPECT_EQ(after.at("topics").as_array().size(), 2u);
  EXPECT_EQ(patch(Principal::kAdmin, path, R"({"url":"file:///etc/passwd"})").status, 400);
  EXPECT_EQ(patch(Principal::kAdmin, path, R"({"secret":"mine"})").status, 400);
  EXPECT_EQ(del(Principal::kAdmin, path).status, 204);
  EXPECT_EQ(get(Principal::kAdmin, path).status, 404);
  EXPECT_EQ(patch(Principal::kAdmin, path, R"({"active":true})").status, 404);
}

TEST_P(WebhookRoutesTest, ATestPingIsQueuedAndListedInTheDeliveryLog) {
  auto made = json(create_hook("https://example.com/a", R"(["alert"])"));
  std::string path = "/api/v1/webhooks/" + std::to_string(made.at("id").as_int64());
  auto ping = post(Principal::kAdmin, path + "/test", "");
  ASSERT_EQ(ping.status, 202) << ping.body;
  auto queued = json(ping);
  EXPECT_EQ(queued.at("topic").as_string(), "ping");
  EXPECT_EQ(queued.at("status").as_string(), "pending");
  EXPECT_EQ(queued.at("attempts").as_int64(), 0);
  auto log = get(Principal::kAdmin, path + "/deliveries?limit=1");
  ASSERT_EQ(log.status, 200) << log.body;
  auto items = json(log).at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].as_object().at("id"), queued.at("id"));
  EXPECT_FALSE(json(log).at("next_cursor").is_null());
  EXPECT_EQ(get(Principal::kAdmin, path + "/deliveries?limit=501").status, 400);
  EXPECT_EQ(post(Principal::kAdmin, "/api/v1/webhooks/999999/test", "").status, 404);
  EXPECT_EQ(get(Principal::kAdmin, "/api/v1/webhooks/999999/deliveries").status, 404);
}

// The default policy (serve without --webhook-allow-http or --webhook-allow):
// what the URL alone shows to be http or internal is refused on the field.
TEST_P(WebhookRoutesTest, RefusesHttpAndInternalAddressLiteralsByDefault) {
  for (const char* url :
       {"http://hooks.example.com/crm", "https://127.0.0.1:8443/hook",
        "https://169.254.169.254/latest/meta-data/", "https://10.0.0.5/hook", "https://[::1]/hook",
        "https://[::ffff:192.168.1.1]/hook", "https://[fe80::1]/hook"}) {
    auto r = create_hook(url);
    ASSERT_EQ(r.status, 400) << url << ": " << r.body;
    EXPECT_EQ(error_fields(json(r)), std::vector<std::string>{"url"}) << url;
  }
  EXPECT_NE(create_hook("http://hooks.example.com/").body.find("--webhook-allow-http"),
            std::string::npos);
  EXPECT_NE(create_hook("https://169.254.169.254/").body.find("cloud metadata"), std::string::npos);
  auto made = json(create_hook("https://hooks.example.com/a"));
  std::string path = "/api/v1/webhooks/" + std::to_string(made.at("id").as_int64());
  EXPECT_EQ(patch(Principal::kAdmin, path, R"({"url":"https://192.168.0.10/"})").status, 400);
  EXPECT_EQ(patch(Principal::kAdmin, path, R"({"url":"http://hooks.example.com/a"})").status, 400);
}

TEST_P(WebhookRoutesTest, ANewSecretIsShownOnceAndTheOldOneIsGone) {
  auto made = json(create_hook("https://hooks.example.com/a"));
  std::string path = "/api/v1/webhooks/" + std::to_string(made.at("id").as_int64());
  auto r = post(Principal::kAdmin, path + "/secret", "");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string fresh(json(r).at("secret").as_string());
  EXPECT_EQ(fresh.rfind("whsec_", 0), 0u);
  EXPECT_NE(fresh, made.at("secret").as_string());
  EXPECT_EQ(get(Principal::kAdmin, path).body.find(fresh), std::string::npos);
  EXPECT_EQ(post(Principal::kAdmin, "/api/v1/webhooks/999999/secret", "").status, 404);
}

// Who created, changed, re-keyed and removed which endpoint, in the audit
// log; never the secret, nor the URL's path where receivers keep tokens.
TEST_P(WebhookRoutesTest, EveryChangeIsInTheAuditLogWithTheAdmin) {
  auto made = json(create_hook("https://hooks.example.com/T0KEN123", R"(["alert"])"));
  std::string id = std::to_string(made.at("id").as_int64());
  std::string path = "/api/v1/webhooks/" + id;
  ASSERT_EQ(patch(Principal::kAdmin, path, R"({"active":false})").status, 200);
  auto rotated = post(Principal::kAdmin, path + "/secret", "");
  ASSERT_EQ(rotated.status, 200);
  ASSERT_EQ(del(Principal::kAdmin, path).status, 204);

  auto log = get(Principal::kAdmin, "/api/v1/audit-log?entity=webhooks&sort=id");
  ASSERT_EQ(log.status, 200) << log.body;
  auto items = json(log).at("items").as_array();
  std::vector<std::string> actions;
  for (const auto& item : items) {
    const auto& entry = item.as_object();
    actions.emplace_back(entry.at("action").as_string());
    EXPECT_EQ(entry.at("user_id").as_int64(), user_id(Principal::kAdmin));
    EXPECT_EQ(std::to_string(entry.at("entity_id").as_int64()), id);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "update", "rotate_secret", "delete"}));
  EXPECT_EQ(log.body.find(std::string(made.at("secret").as_string())), std::string::npos);
  EXPECT_EQ(log.body.find(std::string(json(rotated).at("secret").as_string())), std::string::npos);
  EXPECT_EQ(log.body.find("T0KEN123"), std::string::npos) << log.body;
  EXPECT_NE(log.body.find("https://hooks.example.com"), std::string::npos) << log.body;
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(WebhookRoutesTest);

}  // namespace
}  // namespace icrm::api
