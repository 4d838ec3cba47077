// The webhook worker end to end on both engines: bus messages become outbox
// rows, rows become signed POSTs to a real HTTP receiver on a free local
// port (the project's own HttpServer and Router), failures are retried on the
// backoff schedule, given up after the last attempt, and pending rows survive
// a restart. Time is a ManualClock moved by hand; nothing sleeps.
#include "notify/webhook_worker.h"

#include <gtest/gtest.h>

#include <set>

#include "notify/webhook_limits.h"
#include "tests/notify/webhook_receiver.h"
#include "tests/support/test_database.h"

namespace icrm::notify {
namespace {

using testing::kReceiverSecret;
using testing::Receiver;

using std::chrono::seconds;

const Timestamp kStart = *parse_timestamp("2026-11-23T10:00:00Z");

class WebhookWorkerTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    receiver_ = std::make_unique<Receiver>(clock_);
  }
  void TearDown() override {
    receiver_.reset();
    StoreTest::TearDown();
  }
  store::WebhookEndpoint endpoint(std::vector<std::string> topics, std::string url = "") {
    store::WebhookEndpoint e;
    e.url = url.empty() ? receiver_->url() : url;
    e.secret = kReceiverSecret;
    e.topics = std::move(topics);
    e.created_at = clock_.now();
    return *store::WebhookStore(db()).create_endpoint(store::Actor::system(), e);
  }
  std::unique_ptr<WebhookWorker> worker(int max_attempts = kDefaultMaxDeliveryAttempts) {
    WebhookWorkerOptions options;
    options.backoff.max_attempts = max_attempts;
    return std::make_unique<WebhookWorker>(db(), *poster_, clock_, options);
  }
  size_t step(WebhookWorker& w) {
    auto made = w.step();
    EXPECT_TRUE(made.ok()) << made.error().to_string();
    return made.ok() ? *made : 0;
  }
  std::vector<store::WebhookDelivery> deliveries(int64_t endpoint_id) {
    return *store::WebhookStore(db()).list_deliveries(endpoint_id, 0, 100);
  }

  ManualClock clock_{kStart};
  // The receiver is on 127.0.0.1 over http: allowed here, as a deployment
  // with an intranet receiver would (serve --webhook-allow-http --webhook-allow).
  std::unique_ptr<HttpPoster> poster_ = make_curl_poster(testing::loopback_options());
  std::unique_ptr<Receiver> receiver_;
};

TEST_P(WebhookWorkerTest, DeliversSignedMessagesOfSubscribedTopicsOnly) {
  auto decisions = endpoint({"decision"});
  EventBus bus;
  auto w = worker();
  w->subscribe(bus);
  bus.publish({"decision", R"({"lead_id":4,"action":"call"})"});
  bus.publish({"summary", R"({"events":10})"});          // never forwarded
  bus.publish({"alert", R"({"kind":"entity_burst"})"});  // not subscribed
  EXPECT_EQ(step(*w), 1u);

  auto got = receiver_->received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].signature_ok) << got[0].signature_error;
  EXPECT_EQ(got[0].content_type, "application/json");
  auto rows = deliveries(decisions.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(got[0].delivery_id, std::to_string(rows[0].id));
  EXPECT_EQ(got[0].event_id, rows[0].event_id);
  EXPECT_EQ(got[0].body, rows[0].body);
  EXPECT_NE(got[0].body.find(R"("topic":"decision")"), std::string::npos) << got[0].body;
  EXPECT_NE(got[0].body.find(R"("data":{"lead_id":4,"action":"call"})"), std::string::npos);
  EXPECT_EQ(rows[0].status, store::DeliveryStatus::kDelivered);
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_EQ(rows[0].last_status_code, 200);
  EXPECT_EQ(rows[0].delivered_at, kStart);
  EXPECT_TRUE(rows[0].latency_ms.has_value());
  EXPECT_EQ(step(*w), 0u);  // nothing left
  EXPECT_EQ(w->stats().delivered, 1u);
}

TEST_P(WebhookWorkerTest, RetriesAfterA500OnTheBackoffScheduleThenSucceeds) {
  auto e = endpoint({"alert"});
  receiver_->answer({500});
  auto w = worker();
  w->offer({"alert", R"({"kind":"stream_spike"})"});
  EXPECT_EQ(step(*w), 1u);
  auto row = deliveries(e.id).at(0);
  EXPECT_EQ(row.status, store::DeliveryStatus::kPending);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_status_code, 500);
  EXPECT_EQ(row.last_error, "HTTP 500");
  // First retry: 30 s, jittered down by at most half.
  EXPECT_GE(row.next_attempt_at, kStart + seconds(15));
  EXPECT_LE(row.next_attempt_at, kStart + seconds(30));

  clock_.set(row.next_attempt_at - std::chrono::microseconds(1));
  EXPECT_EQ(step(*w), 0u);  // not due yet
  clock_.set(row.next_attempt_at);
  EXPECT_EQ(step(*w), 1u);
  row = deliveries(e.id).at(0);
  EXPECT_EQ(row.status, store::DeliveryStatus::kDelivered);
  EXPECT_EQ(row.attempts, 2);
  EXPECT_EQ(row.last_status_code, 200);
  auto got = receiver_->received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body, got[1].body);  // the same bytes, signed afresh
  EXPECT_TRUE(got[1].signature_ok) << got[1].signature_error;
}

TEST_P(WebhookWorkerTest, GivesUpAfterMaxAttempts) {
  auto e = endpoint({"score"});
  receiver_->answer({503, 503, 503, 503});
  auto w = worker(/*max_attempts=*/3);
  w->offer({"score", R"({"lead_id":1})"});
  std::vector<Timestamp> attempted_at;
  for (int i = 0; i < 6; ++i) {
    if (step(*w) == 1) attempted_at.push_back(clock_.now());
    clock_.advance(std::chrono::minutes(5));
  }
  EXPECT_EQ(attempted_at.size(), 3u);
  auto row = deliveries(e.id).at(0);
  EXPECT_EQ(row.status, store::DeliveryStatus::kFailed);
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(row.last_status_code, 503);
  EXPECT_EQ(receiver_->received().size(), 3u);
  EXPECT_EQ(w->stats().failed, 1u);
}

// The delivery log names a class of failure, never curl's text ("Failed to
// connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server"), which
// would tell an admin which internal ports are open.
TEST_P(WebhookWorkerTest, NoConnectionIsAFailureWithAGenericReason) {
  auto e = endpoint({"alert"}, "http://127.0.0.1:1/hook");  // nothing listens on port 1
  auto w = worker();
  w->offer({"alert", "{}"});
  EXPECT_EQ(step(*w), 1u);
  auto row = deliveries(e.id).at(0);
  EXPECT_EQ(row.status, store::DeliveryStatus::kPending);
  EXPECT_FALSE(row.last_status_code.has_value());
  EXPECT_EQ(row.last_error, std::string(kCouldNotConnect));
}

// With the default policy (serve without --webhook-allow) an endpoint on
// loopback is never connected to; the log says why in a word.
TEST_P(WebhookWorkerTest, ALoopbackEndpointIsRefusedByTheDefaultPolicy) {
  auto e = endpoint({"alert"});
  CurlPosterOptions http_only;
  http_only.egress.allow_http = true;  // so that it is the address that is refused
  auto strict = make_curl_poster(http_only);
  WebhookWorker w(db(), *strict, clock_);
  w.offer({"alert", "{}"});
  EXPECT_EQ(step(w), 1u);
  auto row = deliveries(e.id).at(0);
  EXPECT_EQ(row.status, store::DeliveryStatus::kPending);
  EXPECT_EQ(row.last_error, std::string(kRefusedByPolicy));
  EXPECT_TRUE(receiver_->received().empty());
}

TEST_P(WebhookWorkerTest, ARestartResumesPendingDeliveries) {
  auto e = endpoint({"decision"});
  receiver_->answer({500});
  {
    auto first = worker();
    first->offer({"decision", R"({"lead_id":9})"});
    EXPECT_EQ(step(*first), 1u);
  }  // the process ends with the delivery pending
  clock_.advance(std::chrono::minutes(1));
  auto second = worker();
  EXPECT_EQ(step(*second), 1u);
  auto row = deliveries(e.id).at(0);
  EXPECT_EQ(row.status, store::DeliveryStatus::kDelivered);
  EXPECT_EQ(row.attempts, 2);
  auto got = receiver_->received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NE(got[1].body.find(R"("lead_id":9)"), std::string::npos);
}

// The real poster, on a receiver that takes `each` of the ManualClock per POST.
class SlowPoster final : public HttpPoster {
 public:
  SlowPoster(HttpPoster& inner, ManualClock& clock, std::chrono::seconds each)
      : inner_(inner), clock_(clock), each_(each) {}
  PostResult post(const std::string& url,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::string& body) override {
    clock_.advance(each_);
    return inner_.post(url, headers, body);
  }

 private:
  HttpPoster& inner_;
  ManualClock& clock_;
  std::chrono::seconds each_;
};

TEST_P(WebhookWorkerTest, BatchesOfDeliveriesEachLoggedOnItsOwnRow) {
  auto e = endpoint({"decision"});
  WebhookWorkerOptions options;
  options.batch = 4;
  WebhookWorker w(db(), *poster_, clock_, options);
  for (int i = 0; i < 10; ++i) w.offer({"decision", R"({"lead_id":)" + std::to_string(i) + "}"});
  EXPECT_EQ(step(w), 4u);
  EXPECT_EQ(w.stats().queued, 10u) << "all ten written to the outbox by the first step";
  EXPECT_EQ(step(w), 4u);
  EXPECT_EQ(step(w), 2u);
  EXPECT_EQ(step(w), 0u);
  auto rows = deliveries(e.id);
  ASSERT_EQ(rows.size(), 10u);
  std::set<std::string> ids;
  for (const auto& r : rows) {
    EXPECT_EQ(r.status, store::DeliveryStatus::kDelivered);
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(r.last_status_code, 200);
  }
  for (const auto& got : receiver_->received()) {
    EXPECT_TRUE(got.signature_ok) << got.signature_error;
    ids.insert(got.delivery_id);
  }
  EXPECT_EQ(ids.size(), 10u) << "each delivery sent once";
}

// Posting stops at half the claim lease; the rest of the batch is given back
// due at once, never left to a lease that could run out while it waits.
TEST_P(WebhookWorkerTest, ASlowBatchGivesBackWhatItCouldNotSendInHalfTheLease) {
  auto e = endpoint({"decision"});
  SlowPoster slow(*poster_, clock_, seconds(20));
  WebhookWorkerOptions options;
  options.batch = 5;
  options.claim_lease = seconds(60);
  WebhookWorker w(db(), slow, clock_, options);
  for (int i = 0; i < 5; ++i) w.offer({"decision", R"({"lead_id":)" + std::to_string(i) + "}"});
  EXPECT_EQ(step(w), 2u) << "at 0 s and 20 s; at 40 s half the lease has passed";
  auto due = store::WebhookStore(db()).due(clock_.now(), 10);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), 3u) << "the other three are due again at once";
  for (const auto& d : *due) EXPECT_EQ(d.attempts, 0);
  EXPECT_EQ(step(w), 2u);
  EXPECT_EQ(step(w), 1u);
  for (const auto& r : deliveries(e.id)) EXPECT_EQ(r.status, store::DeliveryStatus::kDelivered);
  EXPECT_EQ(receiver_->received().size(), 5u);
}

// At least once: a worker that claimed a batch and died before recording it
// leaves the rows to come back when the lease ends, and they are sent then.
TEST_P(WebhookWorkerTest, ABatchClaimedByADeadWorkerIsSentAfterItsLease) {
  auto e = endpoint({"decision"});
  store::WebhookStore store(db());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store.enqueue("decision", "evt_" + std::to_string(i), "{}", clock_.now()).ok());
  auto dead = store.claim_due(clock_.now(), clock_.now() + seconds(60), 32);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 3u);
  auto w = worker();
  EXPECT_EQ(step(*w), 0u) << "held by the other worker";
  clock_.advance(seconds(60));
  EXPECT_EQ(step(*w), 3u);
  for (const auto& r : deliveries(e.id)) {
    EXPECT_EQ(r.status, store::DeliveryStatus::kDelivered);
    EXPECT_EQ(r.attempts, 1);
  }
}

TEST_P(WebhookWorkerTest, MessageDataAtTheLimitIsForwardedOnePastIsDropped) {
  auto e = endpoint({"alert"});
  auto w = worker();
  std::string at = "\"" + std::string(kMaxWebhookDataBytes - 2, 'a') + "\"";
  ASSERT_EQ(at.size(), kMaxWebhookDataBytes);
  w->offer({"alert", at});
  w->offer({"alert", "\"" + std::string(kMaxWebhookDataBytes - 1, 'a') + "\""});
  w->offer({"alert", "not json"});
  EXPECT_EQ(step(*w), 1u);
  EXPECT_EQ(deliveries(e.id).size(), 1u);
  EXPECT_EQ(w->stats().dropped, 2u);
  ASSERT_EQ(receiver_->received().size(), 1u);
  EXPECT_TRUE(receiver_->received()[0].signature_ok);
}

TEST_P(WebhookWorkerTest, TheQueueIsBoundedAndNeverBlocksThePublisher) {
  auto w = worker();
  for (size_t i = 0; i < kMaxQueuedWebhookMessages + 1; ++i) w->offer({"alert", "{}"});
  EXPECT_EQ(w->stats().dropped, 1u);
}

TEST_P(WebhookWorkerTest, TheBackgroundThreadDeliversWithoutBeingStepped) {
  endpoint({"decision"});
  WebhookWorkerOptions options;
  options.poll_interval = std::chrono::hours(1);  // only offer() can wake it in time
  auto w = std::make_unique<WebhookWorker>(db(), *poster_, clock_, options);
  w->start();
  w->offer({"decision", "{}"});
  // Woken by offer(), not by its poll interval: the POST arrives at once.
  EXPECT_TRUE(receiver_->await(1, seconds(30)));
  w->stop();
  ASSERT_EQ(receiver_->received().size(), 1u);
  EXPECT_TRUE(receiver_->received()[0].signature_ok);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(WebhookWorkerTest);

}  // namespace
}  // namespace icrm::notify
