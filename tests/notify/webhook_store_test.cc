// The webhook tables on both engines: endpoints, and the outbox's life cycle
// (enqueue for subscribed active endpoints, due, claim, attempts, listing).
#include "store/webhook_store.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "store/audit_log.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

const Timestamp kAt = *parse_timestamp("2026-11-23T10:00:00Z");

class WebhookStoreTest : public testing::StoreTest {
 protected:
  WebhookEndpoint make(std::vector<std::string> topics, bool active = true) {
    WebhookEndpoint e;
    e.url = "https://example.com/hook";
    e.secret = "whsec_1";
    e.topics = std::move(topics);
    e.active = active;
    e.created_at = kAt;
    auto made = WebhookStore(db()).create_endpoint(Actor::system(), e);
    EXPECT_TRUE(made.ok()) << made.error().to_string();
    return *made;
  }
};

TEST_P(WebhookStoreTest, EndpointsRoundTrip) {
  WebhookStore store(db());
  WebhookEndpoint e = make({"decision", "alert"});
  EXPECT_GT(e.id, 0);
  auto got = store.get_endpoint(e.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->topics, (std::vector<std::string>{"decision", "alert"}));
  EXPECT_EQ(got->secret, "whsec_1");
  EXPECT_TRUE(got->active);
  got->active = false;
  got->topics = {"score"};
  got->url = "http://example.org/";
  got->updated_at = kAt + std::chrono::seconds(5);
  auto updated = store.update_endpoint(Actor::system(), *got);
  ASSERT_TRUE(updated.ok()) << updated.error().to_string();
  EXPECT_FALSE(updated->active);
  EXPECT_EQ(updated->url, "http://example.org/");
  EXPECT_EQ(updated->updated_at, kAt + std::chrono::seconds(5));
  EXPECT_EQ(*store.count_endpoints(), 1);
  EXPECT_EQ(store.list_endpoints()->size(), 1u);
  EXPECT_EQ(store.get_endpoint(999).error().code, ErrorCode::kNotFound);
}

TEST_P(WebhookStoreTest, EnqueuesOnlyForActiveSubscribedEndpoints) {
  WebhookStore store(db());
  WebhookEndpoint decisions = make({"decision"});
  make({"alert"});
  make({"decision"}, /*active=*/false);
  auto n = store.enqueue("decision", "evt_1", "{}", kAt);
  ASSERT_TRUE(n.ok()) << n.error().to_string();
  EXPECT_EQ(*n, 1);
  auto due = store.due(kAt, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].endpoint_id, decisions.id);
  EXPECT_EQ((*due)[0].status, DeliveryStatus::kPending);
  EXPECT_EQ((*due)[0].attempts, 0);
  EXPECT_EQ(*store.enqueue("score", "evt_2", "{}", kAt), 0);
}

TEST_P(WebhookStoreTest, AClaimedRowIsTakenOnceAndComesBackAfterItsLease) {
  WebhookStore store(db());
  WebhookEndpoint e = make({"alert"});
  auto d = store.enqueue_for(e.id, "ping", "evt_p", "{}", kAt);
  ASSERT_TRUE(d.ok());
  Timestamp lease = kAt + std::chrono::seconds(60);
  EXPECT_TRUE(*store.claim(d->id, kAt, lease));
  EXPECT_FALSE(*store.claim(d->id, kAt, lease));  // a second worker finds it taken
  EXPECT_TRUE(store.due(kAt, 10)->empty());
  EXPECT_EQ(store.due(lease, 10)->size(), 1u);
}

// The batched outbox: many messages in one transaction, a batch claimed at
// once (never a row another worker holds), outcomes stored together, and
// unattempted rows given back.
TEST_P(WebhookStoreTest, BatchesAreQueuedClaimedRecordedAndReleasedTogether) {
  WebhookStore store(db());
  make({"decision"});
  make({"decision", "alert"});
  std::vector<OutboxMessage> messages;
  for (int i = 0; i < 5; ++i) messages.push_back({"decision", "evt_d" + std::to_string(i), "{}"});
  messages.push_back({"alert", "evt_a", "{}"});
  messages.push_back({"score", "evt_s", "{}"});
  auto written = store.enqueue_many(messages, kAt);
  ASSERT_TRUE(written.ok()) << written.error().to_string();
  EXPECT_EQ(*written, 5 * 2 + 1) << "two endpoints hear decisions, one alerts, none scores";
  EXPECT_EQ(*store.enqueue_many({}, kAt), 0);

  const Timestamp lease = kAt + std::chrono::seconds(60);
  auto first = store.claim_due(kAt, lease, 4);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  ASSERT_EQ(first->size(), 4u);
  for (const auto& d : *first) EXPECT_EQ(d.next_attempt_at, lease);
  auto second = store.claim_due(kAt, lease, 100);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->size(), 7u) << "the rest, never a row the first batch holds";
  for (const auto& a : *first)
    for (const auto& b : *second) EXPECT_NE(a.id, b.id);
  EXPECT_TRUE(store.claim_due(kAt, lease, 100)->empty());

  DeliveryAttempt ok;
  ok.delivered = true;
  ok.status_code = 200;
  ok.at = kAt + std::chrono::seconds(1);
  DeliveryAttempt retry;
  retry.status_code = 503;
  retry.error = "HTTP 503";
  retry.at = kAt + std::chrono::seconds(1);
  retry.next_attempt_at = kAt + std::chrono::seconds(30);
  ASSERT_TRUE(store.record_attempts({{(*first)[0].id, ok}, {(*first)[1].id, retry}}).ok());
  EXPECT_EQ(store.get_delivery((*first)[0].id)->status, DeliveryStatus::kDelivered);
  EXPECT_EQ(store.get_delivery((*first)[0].id)->attempts, 1);
  EXPECT_EQ(store.get_delivery((*first)[1].id)->last_status_code, 503);
  EXPECT_EQ(store.get_delivery((*first)[1].id)->next_attempt_at, kAt + std::chrono::seconds(30));

  // Given back unattempted: due at once, no attempt counted.
  ASSERT_TRUE(store.release({(*first)[2].id, (*first)[3].id}, kAt + std::chrono::seconds(2)).ok());
  auto again = store.claim_due(kAt + std::chrono::seconds(2), kAt + std::chrono::seconds(62), 100);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 2u);
  EXPECT_EQ((*again)[0].attempts, 0);
  // The second batch comes back when its lease ends (its worker died), with
  // the row retried at +30 s.
  EXPECT_EQ(store.claim_due(lease, lease + std::chrono::seconds(60), 100)->size(), 7u + 1u);
}

TEST_P(WebhookStoreTest, AttemptsMoveARowToDeliveredOrFailed) {
  WebhookStore store(db());
  WebhookEndpoint e = make({"alert"});
  auto d = store.enqueue_for(e.id, "alert", "evt_a", R"({"x":1})", kAt);
  ASSERT_TRUE(d.ok());
  DeliveryAttempt retry{.delivered = false,
                        .status_code = 500,
                        .error = "HTTP 500",
                        .latency_ms = 12,
                        .at = kAt,
                        .next_attempt_at = kAt + std::chrono::seconds(30)};
  ASSERT_TRUE(store.record_attempt(d->id, retry).ok());
  auto after = store.get_delivery(d->id);
  EXPECT_EQ(after->status, DeliveryStatus::kPending);
  EXPECT_EQ(after->attempts, 1);
  EXPECT_EQ(after->last_status_code, 500);
  EXPECT_EQ(after->last_error, "HTTP 500");
  EXPECT_EQ(after->next_attempt_at, kAt + std::chrono::seconds(30));
  EXPECT_FALSE(after->delivered_at.has_value());

  DeliveryAttempt ok{
      .delivered = true, .status_code = 204, .latency_ms = 7, .at = kAt + std::chrono::seconds(31)};
  ASSERT_TRUE(store.record_attempt(d->id, ok).ok());
  after = store.get_delivery(d->id);
  EXPECT_EQ(after->status, DeliveryStatus::kDelivered);
  EXPECT_EQ(after->attempts, 2);
  EXPECT_EQ(after->latency_ms, 7);
  EXPECT_EQ(after->delivered_at, kAt + std::chrono::seconds(31));
  EXPECT_FALSE(after->last_error.has_value());

  auto other = store.enqueue_for(e.id, "alert", "evt_b", "{}", kAt);
  DeliveryAttempt give_up{.delivered = false, .error = "Couldn't connect to server", .at = kAt};
  ASSERT_TRUE(store.record_attempt(other->id, give_up).ok());
  EXPECT_EQ(store.get_delivery(other->id)->status, DeliveryStatus::kFailed);
  EXPECT_TRUE(store.due(kAt + std::chrono::hours(24), 10)->empty());
}

TEST_P(WebhookStoreTest, ListsDeliveriesNewestFirstAndRemovesThemWithTheEndpoint) {
  WebhookStore store(db());
  WebhookEndpoint e = make({"alert"});
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(store.enqueue_for(e.id, "alert", "evt", "{}", kAt)->id);
  auto page = store.list_deliveries(e.id, 0, 2);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[2]);
  auto next = store.list_deliveries(e.id, (*page)[1].id, 2);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].id, ids[0]);
  ASSERT_TRUE(store.remove_endpoint(Actor::system(), e.id, kAt).ok());
  EXPECT_EQ(store.get_delivery(ids[0]).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store.remove_endpoint(Actor::system(), e.id, kAt).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store.enqueue_for(e.id, "ping", "evt", "{}", kAt).error().code, ErrorCode::kNotFound);
}

// Each change to an endpoint is an audit entry in its own transaction; the
// entries hold where the URL goes but neither its path (receivers put tokens
// there) nor the secret.
TEST_P(WebhookStoreTest, EveryEndpointChangeIsAuditedWithoutSecretOrPath) {
  WebhookStore store(db());
  WebhookEndpoint e;
  e.url = "https://hooks.example.com:8443/T0KEN/abc?key=s3cret";
  e.secret = "whsec_original";
  e.topics = {"alert"};
  e.created_at = kAt;
  auto made = store.create_endpoint(Actor::system(), e);
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  made->description = "ops pager";
  made->updated_at = kAt + std::chrono::seconds(1);
  ASSERT_TRUE(store.update_endpoint(Actor::system(), *made).ok());
  auto rotated = store.replace_secret(Actor::system(), made->id, "whsec_rotated", kAt);
  ASSERT_TRUE(rotated.ok()) << rotated.error().to_string();
  EXPECT_EQ(rotated->secret, "whsec_rotated");
  EXPECT_EQ(store.get_endpoint(made->id)->secret, "whsec_rotated");
  ASSERT_TRUE(store.enqueue("alert", "evt_1", "{}", kAt).ok());
  ASSERT_TRUE(store.remove_endpoint(Actor::system(), made->id, kAt).ok());
  EXPECT_EQ(store.replace_secret(Actor::system(), made->id, "x", kAt).error().code,
            ErrorCode::kNotFound);

  ListQuery q;
  q.filters = {{"entity", "webhooks"}};
  q.sort = "id";
  auto entries = AuditLog(db(), SystemClock::instance()).list(q);
  ASSERT_TRUE(entries.ok()) << entries.error().to_string();
  std::vector<std::string> actions;
  for (const auto& entry : entries->items) {
    actions.push_back(entry.action);
    EXPECT_EQ(entry.entity_id, made->id);
    std::string text = boost::json::serialize(entry.before) + boost::json::serialize(entry.after);
    EXPECT_EQ(text.find("whsec"), std::string::npos) << text;
    EXPECT_EQ(text.find("T0KEN"), std::string::npos) << text;
    EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "update", "rotate_secret", "delete"}));
  const auto& created = entries->items.at(0).after.as_object();
  EXPECT_EQ(created.at("url_origin").as_string(), "https://hooks.example.com:8443");
  const auto& updated = entries->items.at(1);
  EXPECT_EQ(updated.before.as_object().at("description").as_string(), "");
  EXPECT_EQ(updated.after.as_object().at("description").as_string(), "ops pager");
  EXPECT_EQ(updated.after.as_object().at("url_changed").as_bool(), false);
  const auto& removed = entries->items.at(3);
  EXPECT_TRUE(removed.after.is_null());
  EXPECT_EQ(removed.before.as_object().at("deliveries_removed").as_int64(), 1);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(WebhookStoreTest);

}  // namespace
}  // namespace icrm::store
