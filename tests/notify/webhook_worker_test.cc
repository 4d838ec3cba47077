// The webhook worker end to end on both engines: bus messages become outbox
// rows, rows become signed POSTs to a real HTTP receiver on a free local
// port (the project's own HttpServer and Router), failures are retried on the
// backoff schedule, given up after the last attempt, and pending rows survive
// a restart. Time is a ManualClock moved by hand; nothing sleeps.
#include "notify/webhook_worker.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>

#include "api/http_server.h"
#include "api/router.h"
#include "notify/signature.h"
#include "notify/webhook_limits.h"
#include "tests/support/test_database.h"

namespace icrm::notify {
namespace {

using std::chrono::seconds;

const Timestamp kStart = *parse_timestamp("2026-11-23T10:00:00Z");
constexpr const char* kSecret = "whsec_test";

// What the receiver saw of one POST, and whether its signature held.
struct Received {
  std::string body;
  std::string event_id;
  std::string delivery_id;
  std::string content_type;
  bool signature_ok = false;
  std::string signature_error;
};

// A webhook receiver as a customer would write one: verifies the signature
// against its own clock and answers the next programmed status (200 when
// none is left).
class Receiver {
 public:
  explicit Receiver(const Clock& clock) : clock_(clock) {
    router_.add(
        api::Method::kPost, "/hook",
        [this](const api::Request& r) -> Result<api::Response> {
          Received got;
          got.body = r.body;
          got.event_id = std::string(r.headers.get(kEventHeader).value_or(""));
          got.delivery_id = std::string(r.headers.get(kDeliveryHeader).value_or(""));
          got.content_type = std::string(r.headers.get("Content-Type").value_or(""));
          auto verified = verify_signature(kSecret, r.headers.get(kSignatureHeader).value_or(""),
                                           r.body, clock_.now());
          got.signature_ok = verified.ok();
          if (!verified.ok()) got.signature_error = verified.error().message;
          int status = 200;
          {
            std::lock_guard lock(mutex_);
            received_.push_back(std::move(got));
            if (!statuses_.empty()) {
              status = statuses_.front();
              statuses_.pop_front();
            }
          }
          arrived_.notify_all();
          if (!verified.ok()) status = 401;
          return api::Response::json(status, "{}");
        },
        {}, api::Access::kPublic);
    auto server = api::HttpServer::start({.port = 0, .threads = 1}, router_, metrics_);
    EXPECT_TRUE(server.ok()) << server.error().to_string();
    server_ = std::move(*server);
  }
  ~Receiver() {
    server_->shutdown();
    server_->wait();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
  }
  void answer(std::initializer_list<int> statuses) {
    std::lock_guard lock(mutex_);
    statuses_.insert(statuses_.end(), statuses);
  }
  std::vector<Received> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // For the one test with a background thread: true once `n` POSTs arrived.
  bool await(size_t n, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return received_.size() >= n; });
  }

 private:
  const Clock& clock_;
  api::Router router_;
  api::Metrics metrics_;
  std::unique_ptr<api::HttpServer> server_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<int> statuses_;        // GUARDED_BY(mutex_)
  std::vector<Received> received_;  // GUARDED_BY(mutex_)
};

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
    e.secret = kSecret;
    e.topics = std::move(topics);
    e.created_at = clock_.now();
    return *store::WebhookStore(db()).create_endpoint(e);
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
  std::unique_ptr<HttpPoster> poster_ = make_curl_poster();
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

TEST_P(WebhookWorkerTest, NoConnectionIsAFailureWithTheReason) {
  auto e = endpoint({"alert"}, "http://127.0.0.1:1/hook");  // nothing listens on port 1
  auto w = worker();
  w->offer({"alert", "{}"});
  EXPECT_EQ(step(*w), 1u);
  auto row = deliveries(e.id).at(0);
  EXPECT_EQ(row.status, store::DeliveryStatus::kPending);
  EXPECT_FALSE(row.last_status_code.has_value());
  ASSERT_TRUE(row.last_error.has_value());
  EXPECT_NE(row.last_error->find("onnect"), std::string::npos) << *row.last_error;
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
