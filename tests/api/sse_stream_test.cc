// GET /api/v1/stream over the real server on port 0, read with a raw socket:
// authentication, frames with ids for whatever the bus carries, Last-Event-ID
// resuming from the ring (at its bound and one past), heartbeats, the client
// limit at and one past, a slow client dropped without holding up
// publishers, graceful shutdown ending the streams, and access filtering (a
// rep's stream, live and replayed, carries its own leads' frames and the
// stream-wide ones, never another rep's; a manager's carries all). The hub's
// queue bound is tested on the hub itself, where nothing drains it.
#include <gtest/gtest.h>

#include <charconv>
#include <thread>

#include "api/api_router.h"
#include "api/auth/authenticator.h"
#include "api/auth/password.h"
#include "api/http_server.h"
#include "api/sse_hub.h"
#include "store/user_store.h"
#include "tests/api/raw_http_client.h"
#include "tests/support/test_database.h"

namespace icrm::api {
namespace {

using icrm::testing::RawHttpClient;
using namespace std::chrono_literals;

// The ids of the frames in `text`, in order.
std::vector<uint64_t> ids_in(const std::string& text) {
  std::vector<uint64_t> out;
  for (size_t at = text.find("id: "); at != std::string::npos; at = text.find("id: ", at + 1)) {
    if (at != 0 && text[at - 1] != '\n') continue;
    uint64_t id = 0;
    std::from_chars(text.data() + at + 4, text.data() + text.size(), id);
    out.push_back(id);
  }
  return out;
}

class SseStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    test_db_ = icrm::testing::TestDatabase::create(store::Engine::kSqlite, &why);
    ASSERT_TRUE(test_db_) << why;
    store::Database& db = test_db_->db();
    auth::AuthConfig config;
    config.password_cost = auth::PasswordCost::minimum();
    auto hash = auth::hash_password("correct horse battery", config.password_cost);
    ASSERT_TRUE(hash.ok());
    auto user = store::UserStore(db, clock_)
                    .create(store::Actor::system(),
                            {"viewer@example.com", "V", store::Role::kViewer, *hash});
    ASSERT_TRUE(user.ok()) << user.error().to_string();
    auto token = auth::Authenticator(db, clock_, config).create_api_token(*user, "tests");
    ASSERT_TRUE(token.ok());
    token_ = token->token;
    // Two reps and a manager, for the access filter.
    for (auto [email, role] : {std::pair{"rep-a@example.com", store::Role::kRep},
                               std::pair{"rep-b@example.com", store::Role::kRep},
                               std::pair{"manager@example.com", store::Role::kManager}}) {
      auto u =
          store::UserStore(db, clock_).create(store::Actor::system(), {email, email, role, *hash});
      ASSERT_TRUE(u.ok()) << u.error().to_string();
      auto t = auth::Authenticator(db, clock_, config).create_api_token(*u, "tests");
      ASSERT_TRUE(t.ok());
      users_.push_back({u->id, t->token});
    }
    hub_ = std::make_unique<SseHub>(bus_, clock_,
                                    SseOptions{.max_clients = 3,
                                               .client_queue = 8,
                                               .ring_size = 8,
                                               .heartbeat = std::chrono::hours(1)});
    router_ = build_api_router({.db = db,
                                .metrics = metrics_,
                                .clock = clock_,
                                .web_dir = "/nonexistent",
                                .auth = config,
                                .live = hub_.get()});
    ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.shutdown_grace = 5s;
    auto started = HttpServer::start(o, *router_, metrics_);
    ASSERT_TRUE(started.ok()) << started.error().to_string();
    server_ = std::move(*started);
  }
  void TearDown() override {
    server_.reset();
    router_.reset();
    hub_.reset();
    test_db_.reset();
  }

  // Opens the stream (as the viewer, or with `token`); returns the client
  // after its 200 and first comment.
  std::unique_ptr<RawHttpClient> open(const std::string& extra = {}, std::string token = {}) {
    auto c = std::make_unique<RawHttpClient>(server_->port());
    if (token.empty()) token = token_;
    EXPECT_TRUE(c->send(RawHttpClient::build("GET", "/api/v1/stream", {},
                                             "Authorization: Bearer " + token + "\r\n" + extra)));
    auto head = c->read_response();
    EXPECT_TRUE(head.has_value());
    if (!head) return c;
    EXPECT_EQ(head->status, 200) << head->body;
    EXPECT_EQ(head->header("content-type"), "text/event-stream; charset=utf-8");
    EXPECT_EQ(head->header("cache-control"), "no-cache");
    EXPECT_TRUE(c->read_until(": connected\n\n").has_value());
    return c;
  }

  void publish(const std::string& topic, int n) {
    for (int i = 0; i < n; ++i) bus_.publish({topic, R"({"n":)" + std::to_string(i) + "}"});
  }

  ManualClock clock_{*parse_timestamp("2026-11-23T09:00:00Z")};
  Metrics metrics_;
  EventBus bus_;
  std::unique_ptr<icrm::testing::TestDatabase> test_db_;
  std::string token_;  // a viewer's
  struct SignedIn {
    int64_t id;
    std::string token;
  };
  std::vector<SignedIn> users_;  // rep A, rep B, a manager
  std::unique_ptr<SseHub> hub_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(SseStreamTest, NeedsACredential) {
  RawHttpClient c(server_->port());
  auto r = c.request("GET", "/api/v1/stream");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 401);
}

TEST_F(SseStreamTest, CarriesEveryTopicWithIncreasingIds) {
  auto c = open();
  bus_.publish({"score", R"({"lead_id":1,"tier":"hot"})"});
  bus_.publish({"decision", R"({"lead_id":1,"action":"call"})"});
  auto first = c->read_until("\n\n");
  auto second = c->read_until("\n\n");
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->find("event: score\ndata: {\"lead_id\":1,\"tier\":\"hot\"}\n\n"),
            std::string::npos)
      << *first;
  EXPECT_NE(second->find("event: decision\n"), std::string::npos) << *second;
  auto a = ids_in(*first), b = ids_in(*second);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0], a[0] + 1);
  // Ids start at the clock's microseconds, so a restart's ids are newer.
  EXPECT_GE(a[0], static_cast<uint64_t>(to_unix_micros(clock_.now())));
}

TEST_F(SseStreamTest, LastEventIdResumesFromTheRingAtItsBoundAndOnePast) {
  publish("alert", 10);  // the ring keeps the newest 8
  uint64_t last = hub_->stats().last_id;
  uint64_t oldest_kept = last - 7;
  {
    // Everything after oldest_kept - 1 is still kept: no frame missed.
    auto c = open("Last-Event-ID: " + std::to_string(oldest_kept - 1) + "\r\n");
    auto text = c->read_until("id: " + std::to_string(last) + "\n");
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(text->find("no longer kept"), std::string::npos);
    auto ids = ids_in(*text);
    ASSERT_EQ(ids.size(), 8u);
    EXPECT_EQ(ids.front(), oldest_kept);
  }
  {
    // One older: a frame is gone; the client is told, then gets all 8.
    auto c = open("Last-Event-ID: " + std::to_string(oldest_kept - 2) + "\r\n");
    auto text = c->read_until("id: " + std::to_string(last) + "\n");
    ASSERT_TRUE(text.has_value());
    EXPECT_NE(text->find("no longer kept"), std::string::npos);
    EXPECT_EQ(ids_in(*text).size(), 8u);
  }
  {
    // From the middle: only the newer ones.
    auto c = open("Last-Event-ID: " + std::to_string(last - 2) + "\r\n");
    auto text = c->read_until("id: " + std::to_string(last) + "\n");
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(ids_in(*text), (std::vector<uint64_t>{last - 1, last}));
  }
  RawHttpClient bad(server_->port());
  auto r = bad.request("GET", "/api/v1/stream", {},
                       "Authorization: Bearer " + token_ + "\r\nLast-Event-ID: 12x\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
}

TEST_F(SseStreamTest, HeartbeatsAreComments) {
  auto c = open();
  hub_->heartbeat();
  EXPECT_TRUE(c->read_until(": heartbeat\n\n").has_value());
}

TEST_F(SseStreamTest, ClientLimitAtAndOnePast) {
  auto a = open();
  auto b = open();
  auto c3 = open();  // at the limit (3)
  RawHttpClient fourth(server_->port());
  auto r = fourth.request("GET", "/api/v1/stream", {}, "Authorization: Bearer " + token_ + "\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 503);
  EXPECT_FALSE(r->header("retry-after").empty());
  EXPECT_EQ(hub_->stats().refused, 1);
  // A client that leaves frees its place.
  a.reset();
  // The server notices the close on its own I/O thread.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (hub_->stats().clients > 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  ASSERT_EQ(hub_->stats().clients, 2u);
  auto c = open();
  bus_.publish({"summary", "{}"});
  EXPECT_TRUE(c->read_until("event: summary\n").has_value());
}

TEST_F(SseStreamTest, ASlowClientIsDroppedWithoutHoldingUpPublishers) {
  RawHttpClient slow(server_->port());
  slow.set_receive_buffer(4096);
  ASSERT_TRUE(slow.send(RawHttpClient::build("GET", "/api/v1/stream", {},
                                             "Authorization: Bearer " + token_ + "\r\n")));
  auto head = slow.read_response();
  ASSERT_TRUE(head && head->status == 200);
  auto fast = open();
  // The slow client reads nothing more; frames of 64 KiB soon fill its socket
  // buffers and then its queue (8). Publishing goes on regardless.
  const std::string big(64 * 1024, 'x');
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 200 && hub_->stats().dropped == 0; ++i) {
    bus_.publish({"score", "{\"pad\":\"" + big + "\"}"});
    // The fast client keeps up.
    ASSERT_TRUE(fast->read_until("\n\n").has_value());
  }
  EXPECT_EQ(hub_->stats().dropped, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  // Dropped: out of the hub at once (its stream then ends after what was
  // queued, see SseHubTest; reading megabytes through a 4 KiB window here
  // would take minutes of delayed ACKs).
  EXPECT_EQ(hub_->stats().clients, 1u);
  bus_.publish({"alert", "{}"});
  EXPECT_TRUE(fast->read_until("event: alert\n").has_value());
}

TEST_F(SseStreamTest, GracefulShutdownEndsStreams) {
  auto c = open();
  server_->shutdown();
  EXPECT_TRUE(c->closed_by_peer());
  server_->wait();
}

// What each kind of message becomes, about whom: rep A's lead, rep B's lead,
// an unassigned one, an alert on one lead without its owner, the summary.
struct OwnedFrames {
  std::string a, b, unassigned, unknown, summary;
  explicit OwnedFrames(int64_t rep_a, int64_t rep_b)
      : a(R"({"lead_id":11,"tier":"hot","owner_id":)" + std::to_string(rep_a) + "}"),
        b(R"({"lead_id":22,"tier":"hot","owner_id":)" + std::to_string(rep_b) + "}"),
        unassigned(R"({"lead_id":33,"tier":"warm","owner_id":null})"),
        unknown(R"({"kind":"entity_rate","entity":"lead:22"})"),
        summary(R"({"events":5,"entity":null})") {}
  void publish(EventBus& bus) const {
    bus.publish({"score", a});
    bus.publish({"decision", b});
    bus.publish({"score", unassigned});
    bus.publish({"alert", unknown});
    bus.publish({"summary", summary});
  }
};

TEST_F(SseStreamTest, ARepSeesItsOwnLeadsAndTheStreamWideFramesNeverAnotherReps) {
  const SignedIn &rep_a = users_[0], &rep_b = users_[1], &manager = users_[2];
  auto a = open({}, rep_a.token);
  auto b = open({}, rep_b.token);
  auto m = open({}, manager.token);
  OwnedFrames frames(rep_a.id, rep_b.id);
  frames.publish(bus_);
  // The summary is last and everyone's: what came before it is all there is.
  auto seen_a = a->read_until("event: summary\n");
  auto seen_b = b->read_until("event: summary\n");
  auto seen_m = m->read_until("event: summary\n");
  ASSERT_TRUE(seen_a && seen_b && seen_m);
  EXPECT_NE(seen_a->find(frames.a), std::string::npos) << *seen_a;
  EXPECT_EQ(seen_a->find(frames.b), std::string::npos) << *seen_a;  // rep B's lead
  EXPECT_NE(seen_a->find(frames.unassigned), std::string::npos) << *seen_a;
  EXPECT_EQ(seen_a->find(frames.unknown), std::string::npos) << *seen_a;
  EXPECT_EQ(ids_in(*seen_a).size(), 3u);
  EXPECT_EQ(seen_b->find(frames.a), std::string::npos) << *seen_b;  // rep A's lead
  EXPECT_NE(seen_b->find(frames.b), std::string::npos) << *seen_b;
  EXPECT_EQ(ids_in(*seen_b).size(), 3u);
  // The manager: all five.
  for (const std::string* f : {&frames.a, &frames.b, &frames.unassigned, &frames.unknown})
    EXPECT_NE(seen_m->find(*f), std::string::npos) << *seen_m;
  EXPECT_EQ(ids_in(*seen_m).size(), 5u);
  // Withheld: two for each rep.
  EXPECT_EQ(hub_->stats().withheld, 4);
}

TEST_F(SseStreamTest, ReplayWithLastEventIdIsFilteredToo) {
  const SignedIn &rep_a = users_[0], &rep_b = users_[1], &manager = users_[2];
  bus_.publish({"summary", "{}"});
  const uint64_t before = hub_->stats().last_id;
  OwnedFrames frames(rep_a.id, rep_b.id);
  frames.publish(bus_);
  const std::string resume = "Last-Event-ID: " + std::to_string(before) + "\r\n";
  auto a = open(resume, rep_a.token);
  auto m = open(resume, manager.token);
  auto replay_a = a->read_until("event: summary\n");
  auto replay_m = m->read_until("event: summary\n");
  ASSERT_TRUE(replay_a && replay_m);
  EXPECT_NE(replay_a->find(frames.a), std::string::npos) << *replay_a;
  EXPECT_EQ(replay_a->find(frames.b), std::string::npos) << *replay_a;
  EXPECT_EQ(replay_a->find(frames.unknown), std::string::npos) << *replay_a;
  EXPECT_EQ(ids_in(*replay_a).size(), 3u);
  EXPECT_EQ(ids_in(*replay_m).size(), 5u);
  EXPECT_NE(replay_m->find(frames.b), std::string::npos) << *replay_m;
}

TEST(SseAccessTest, AudienceIsReadFromTheMessage) {
  using Kind = SseAudience::Kind;
  auto of = [](std::string data) { return sse_audience({"t", std::move(data)}); };
  EXPECT_EQ(of(R"({"lead_id":1,"owner_id":7})").kind, Kind::kOwner);
  EXPECT_EQ(of(R"({"lead_id":1,"owner_id":7})").owner_id, 7);
  EXPECT_EQ(of(R"({"lead_id":1,"owner_id":null})").kind, Kind::kOwner);
  EXPECT_EQ(of(R"({"lead_id":1,"owner_id":null})").owner_id, 0);
  EXPECT_EQ(of(R"({"lead_id":1,"owner_id":"7"})").kind, Kind::kUnknownOwner);
  EXPECT_EQ(of(R"({"lead_id":1,"owner_id":-3})").kind, Kind::kUnknownOwner);
  EXPECT_EQ(of(R"({"lead_id":1})").kind, Kind::kUnknownOwner);
  EXPECT_EQ(of(R"({"customer_id":1})").kind, Kind::kUnknownOwner);
  EXPECT_EQ(of(R"({"entity":"customer:4"})").kind, Kind::kUnknownOwner);
  EXPECT_EQ(of(R"({"entity":null,"kind":"stream_rate"})").kind, Kind::kEveryone);
  EXPECT_EQ(of(R"({"entity":""})").kind, Kind::kEveryone);
  EXPECT_EQ(of(R"({"events":3})").kind, Kind::kEveryone);
  EXPECT_EQ(of("not json").kind, Kind::kUnknownOwner);
  EXPECT_EQ(of("[1]").kind, Kind::kUnknownOwner);
}

TEST(SseAccessTest, ViewerScopes) {
  using Kind = SseAudience::Kind;
  using Scope = auth::ListScope;
  const SseAudience everyone{}, mine{Kind::kOwner, 5}, others{Kind::kOwner, 6},
      unassigned{Kind::kOwner, 0}, unknown{Kind::kUnknownOwner};
  const SseViewer all{Scope::kAll, 5}, rep{Scope::kOwnAndUnassigned, 5}, own{Scope::kOwn, 5},
      wide{Scope::kNone, 5};
  for (const auto& a : {everyone, mine, others, unassigned, unknown}) EXPECT_TRUE(all.sees(a));
  EXPECT_TRUE(rep.sees(everyone));
  EXPECT_TRUE(rep.sees(mine));
  EXPECT_TRUE(rep.sees(unassigned));
  EXPECT_FALSE(rep.sees(others));
  EXPECT_FALSE(rep.sees(unknown));
  EXPECT_TRUE(own.sees(mine));
  EXPECT_FALSE(own.sees(unassigned));
  EXPECT_FALSE(own.sees(others));
  EXPECT_TRUE(wide.sees(everyone));
  EXPECT_FALSE(wide.sees(mine));
}

TEST(SseHubTest, QueueAtItsBoundKeepsTheClientOnePastDropsIt) {
  ManualClock clock(*parse_timestamp("2026-11-23T09:00:00Z"));
  EventBus bus;
  SseHub hub(bus, clock, {.max_clients = 4, .client_queue = 3, .ring_size = 8});
  auto stream = hub.connect(std::nullopt);
  ASSERT_TRUE(stream.ok());
  for (int i = 0; i < 3; ++i) bus.publish({"score", "{}"});  // at the bound
  EXPECT_EQ(hub.stats().dropped, 0);
  EXPECT_EQ(hub.stats().clients, 1u);
  bus.publish({"score", "{}"});  // one past
  EXPECT_EQ(hub.stats().dropped, 1);
  EXPECT_EQ(hub.stats().clients, 0u);
  std::string out;
  EXPECT_FALSE((*stream)->take(out));  // ended: what was queued, then the reason
  EXPECT_EQ(ids_in(out).size(), 3u);
  EXPECT_NE(out.find("dropped"), std::string::npos);
}

TEST(SseHubTest, FramesSplitMultiLineDataAndIdsParse) {
  EXPECT_EQ(sse_frame(7, {"alert", "a\nb"}), "id: 7\nevent: alert\ndata: a\ndata: b\n\n");
  EXPECT_EQ(*parse_last_event_id("18446744073709551615"), 18446744073709551615ull);
  EXPECT_FALSE(parse_last_event_id("").ok());
  EXPECT_FALSE(parse_last_event_id("-1").ok());
  EXPECT_FALSE(parse_last_event_id("18446744073709551616").ok());
}

}  // namespace
}  // namespace icrm::api
