// End to end: an event POSTed to /api/v1/events -> the lead's score change
// read on /api/v1/stream (server-sent events), under a steady background
// load. One process holds the real server (HttpServer on a loopback port,
// the whole router, group commit into SQLite with synchronous=FULL, the
// stream worker, live scoring with a trained logistic regression, the SSE
// hub, and — as `serve` wires them — the decision stage deciding for every
// lead whose score is published (app::ScoreSubscriber) and the webhook
// worker following the bus) and its clients (raw sockets: load senders, a probe sender, an SSE
// reader); bench/README.md has the figures.
//
//   live_latency_bench [events_per_second=10000] [seconds=10] [leads=1000] [probes_per_second=20]
//
// Background: events_per_second page views and email opens spread over
// `leads` open leads, sent as NDJSON batches of 100 on 4 keep-alive
// connections, each batch on its schedule. Probes: one event each for a lead
// never scored before, so its first score is always published; latency is
// from just before the probe's request is written to the moment the reader
// has its "score" frame. Probes start after a warm-up (a third of the run, at
// most 3 s) in which the scorer caches every background lead.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include "api/api_router.h"
#include "api/auth/authenticator.h"
#include "api/auth/password.h"
#include "api/http_server.h"
#include "api/sse_hub.h"
#include "app/decision_service.h"
#include "app/event_ingestor.h"
#include "app/live_scorer.h"
#include "app/score_subscriber.h"
#include "models/record_training.h"
#include "notify/http_poster.h"
#include "notify/webhook_worker.h"
#include "store/lead_store.h"
#include "store/user_store.h"
#include "tests/api/raw_http_client.h"

using namespace icrm;
using Steady = std::chrono::steady_clock;

namespace {

constexpr int kLoadConnections = 4;
constexpr int kBatch = 100;

void die(const std::string& what) {
  std::fprintf(stderr, "live_latency_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().to_string());
  return std::move(*r);
}

std::vector<int64_t> make_leads(store::Database& db, const icrm::Clock& clock, int n,
                                store::LeadStatus status) {
  store::LeadStore leads(db, clock);
  std::vector<int64_t> ids;
  for (int i = 0; i < n; ++i) {
    store::Lead l;
    l.name = "bench " + std::to_string(i);
    l.status = status;
    ids.push_back(must(leads.create(store::Actor::system(), l), "create a lead").id);
  }
  return ids;
}

void ingest_now(app::EventIngestor& in, const std::string& ndjson, const icrm::Clock& clock) {
  auto types = in.types();
  auto parsed = must(ingest::read_events(ndjson, ingest::EventBodyFormat::kNdjson, *types, clock),
                     "read events");
  std::promise<Result<app::IngestReport>> done;
  in.ingest(std::move(parsed), types,
            [&](Result<app::IngestReport> r) { done.set_value(std::move(r)); });
  must(done.get_future().get(), "ingest");
}

std::string event_line(int64_t lead, const char* type, uint64_t id, const icrm::Clock& clock) {
  return fmt::format(R"({{"id":"b{}","entity":"lead:{}","type":"{}","ts":"{}"}})"
                     "\n",
                     id, lead, type, format_timestamp(clock.now()));
}

// Forwards to the live scorer, stamping when the stream worker applies an
// event of a probe lead (the commit is durable by then).
class StampingObserver final : public app::StreamObserver {
 public:
  // `index` is read once `armed` is set.
  StampingObserver(app::StreamObserver& next, const std::unordered_map<int64_t, size_t>& index,
                   const std::atomic<bool>& armed, std::vector<std::atomic<int64_t>>& stamps)
      : next_(next), index_(index), armed_(armed), stamps_(stamps) {}
  void applied(std::span<const ingest::Event> events, const stream::StreamState& state,
               const ingest::EventTypeRegistry& types, Timestamp now) override {
    const int64_t at = Steady::now().time_since_epoch().count();
    for (const ingest::Event& e : events) {
      if (!armed_) break;
      if (!e.entity.starts_with("lead:")) continue;
      auto it = index_.find(std::atoll(e.entity.c_str() + 5));
      if (it != index_.end() && stamps_[it->second] == 0) stamps_[it->second] = at;
    }
    next_.applied(events, state, types, now);
  }
  void settle(Timestamp now) override { next_.settle(now); }
  void drain() override { next_.drain(); }

 private:
  app::StreamObserver& next_;
  const std::unordered_map<int64_t, size_t>& index_;
  const std::atomic<bool>& armed_;
  std::vector<std::atomic<int64_t>>& stamps_;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * double(v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  const int rate = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 10;
  const int n_leads = argc > 3 ? std::atoi(argv[3]) : 1000;
  const int probe_rate = argc > 4 ? std::atoi(argv[4]) : 20;
  spdlog::set_level(spdlog::level::warn);

  auto dir = std::filesystem::temp_directory_path() / fmt::format("icrm-live-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const icrm::Clock& clock = SystemClock::instance();
  auto db_ptr =
      must(store::Database::open({.url = "sqlite:" + (dir / "bench.db").string(), .pool_size = 8}),
           "open the database");
  store::Database& db = *db_ptr;
  must(db.migrate(), "migrate");

  std::printf("setting up: %d background leads, training a lead model...\n", n_leads);
  EventBus bus;
  app::LiveScorer scorer(db, clock, bus);
  // Per probe: steady-clock stamps of each stage (0 = not reached).
  const size_t n_probes = static_cast<size_t>(seconds * probe_rate + 10);
  std::unordered_map<int64_t, size_t> probe_index;  // written before `armed`
  std::atomic<bool> armed{false};
  std::vector<std::atomic<int64_t>> applied_at(n_probes), acked_at(n_probes),
      published_at(n_probes);
  StampingObserver stamping(scorer, probe_index, armed, applied_at);
  // The bus stamps when a probe's score is published (subscribed before the hub, so it runs first).
  const uint64_t stamp_scores = bus.subscribe([&](const BusMessage& m) {
    if (m.topic != "score" || !armed) return;
    const int64_t at = Steady::now().time_since_epoch().count();
    auto json = boost::json::parse(m.data);
    auto it = probe_index.find(json.at("lead_id").as_int64());
    if (it != probe_index.end() && published_at[it->second] == 0) published_at[it->second] = at;
  });

  api::SseHub live(bus, clock);
  app::IngestorOptions io;
  io.observer = &stamping;
  auto ingestor = must(app::EventIngestor::start(db, clock, bus, io), "start the ingestor");
  // The decision stage and the webhooks, as `serve` wires them.
  // LIVE_BENCH_DECISIONS=0 leaves the decision subscriber out (the bench as
  // it was before it was added, for comparison).
  const char* with_decisions = std::getenv("LIVE_BENCH_DECISIONS");
  const bool decide_on_scores = !(with_decisions && std::string(with_decisions) == "0");
  auto decisions = std::make_shared<app::DecisionService>(db, clock, &bus, 1);
  std::optional<app::ScoreSubscriber> score_subscriber;
  if (decide_on_scores) score_subscriber.emplace(bus, *decisions);
  auto webhook_poster = notify::make_curl_poster();
  notify::WebhookWorker webhooks(db, *webhook_poster, clock);
  webhooks.subscribe(bus);
  webhooks.start();

  // The model: leads that submitted forms converted, those that only looked were lost.
  auto buyers = make_leads(db, clock, 40, store::LeadStatus::kContacted);
  auto tourists = make_leads(db, clock, 40, store::LeadStatus::kContacted);
  uint64_t next_id = 0;
  std::string setup;
  for (int64_t id : buyers)
    for (int i = 0; i < 6; ++i) setup += event_line(id, "form_submit", ++next_id, clock);
  for (int64_t id : tourists) setup += event_line(id, "page_view", ++next_id, clock);
  ingest_now(*ingestor, setup, clock);
  ingestor->worker().flush();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // outcomes after the events
  store::LeadStore lead_store(db, clock);
  for (int64_t id : buyers) {
    must(lead_store.transition(store::Actor::system(), id, store::LeadStatus::kQualified),
         "qualify");
    must(lead_store.convert(store::Actor::system(), id), "convert");
  }
  for (int64_t id : tourists)
    must(lead_store.transition(store::Actor::system(), id, store::LeadStatus::kLost), "lose");
  models::RecordTrainingOptions to;
  to.entity = "leads";
  to.train.models = {"lr"};
  auto trained = must(models::train_on_records(db, clock, to), "train");
  scorer.refresh_model();

  auto background = make_leads(db, clock, n_leads, store::LeadStatus::kNew);
  auto probes = make_leads(db, clock, static_cast<int>(n_probes), store::LeadStatus::kNew);
  for (size_t i = 0; i < probes.size(); ++i) probe_index[probes[i]] = i;
  armed = true;

  api::auth::AuthConfig ac;
  ac.password_cost = api::auth::PasswordCost::minimum();
  auto user =
      must(store::UserStore(db, clock).create(
               store::Actor::system(),
               {"bench@example.com", "Bench", store::Role::kAdmin,
                must(api::auth::hash_password("bench password 1234", ac.password_cost), "hash")}),
           "add a user");
  std::string token =
      must(api::auth::Authenticator(db, clock, ac).create_api_token(user, "bench"), "token").token;
  api::Metrics metrics;
  auto router = api::build_api_router({.db = db,
                                       .metrics = metrics,
                                       .clock = clock,
                                       .web_dir = (dir / "none").string(),
                                       .auth = ac,
                                       .events = ingestor.get(),
                                       .decisions = decisions,
                                       .scorer = &scorer,
                                       .live = &live});
  api::ServerOptions so;
  so.port = 0;
  auto server = must(api::HttpServer::start(so, *router, metrics), "start the server");
  const uint16_t port = server->port();
  const std::string auth_header = "Authorization: Bearer " + token + "\r\n";

  // The SSE reader: the arrival time of each probe lead's first score frame.
  std::vector<Steady::time_point> sent(probes.size()), seen(probes.size());
  std::vector<std::atomic<bool>> got(probes.size());
  std::atomic<bool> stop{false};
  std::atomic<int64_t> score_frames{0};
  testing::RawHttpClient sse(port, std::chrono::milliseconds(2000));
  if (!sse.send(testing::RawHttpClient::build("GET", "/api/v1/stream", {}, auth_header)))
    die("cannot open the stream");
  auto head = sse.read_response();
  if (!head || head->status != 200) die("the stream did not answer 200");
  std::thread reader([&] {
    while (!stop) {
      auto frame = sse.read_until("\n\n");
      if (!frame) continue;  // timed out: look at stop again
      if (frame->find("event: score\n") == std::string::npos) continue;
      auto now = Steady::now();
      ++score_frames;
      auto data = frame->find("data: ");
      auto json = boost::json::parse(frame->substr(data + 6, frame->find('\n', data) - data - 6));
      int64_t lead = json.at("lead_id").as_int64();
      if (auto it = probe_index.find(lead); it != probe_index.end() && !got[it->second]) {
        seen[it->second] = now;
        got[it->second] = true;
      }
    }
  });

  // Background load, each connection on its own schedule.
  std::atomic<int64_t> accepted{0}, late_batches{0}, failed{0};
  std::atomic<uint64_t> event_ids{1'000'000};
  const auto start = Steady::now();
  const auto end = start + std::chrono::seconds(seconds);
  const auto per_conn = std::chrono::duration<double>(double(kBatch * kLoadConnections) / rate);
  std::vector<std::thread> load;
  for (int c = 0; c < kLoadConnections; ++c) {
    load.emplace_back([&, c] {
      testing::RawHttpClient conn(port);
      std::mt19937_64 rng(c + 1);
      auto next = start + std::chrono::duration_cast<Steady::duration>(
                              per_conn * (double(c) / kLoadConnections));
      while (next < end) {
        std::this_thread::sleep_until(next);
        std::string body;
        for (int i = 0; i < kBatch; ++i)
          body += event_line(background[rng() % background.size()],
                             i % 3 ? "page_view" : "email_open", event_ids++, clock);
        auto r = conn.request("POST", "/api/v1/events", body,
                              auth_header + "Content-Type: application/x-ndjson\r\n");
        if (!r || r->status != 202) {
          ++failed;
        } else {
          accepted += boost::json::parse(r->body).at("accepted").as_int64();
        }
        next += std::chrono::duration_cast<Steady::duration>(per_conn);
        if (Steady::now() > next) ++late_batches;
      }
    });
  }
  // Probes.
  std::thread prober([&] {
    testing::RawHttpClient conn(port);
    // After a warm-up: the first seconds load every background lead's record
    // and history into the scorer's cache (three queries each).
    auto next = start + std::chrono::seconds(std::min(3, seconds / 3));
    for (size_t i = 0; i < probes.size() && next < end; ++i) {
      std::this_thread::sleep_until(next);
      std::string body = event_line(probes[i], "page_view", event_ids++, clock);
      sent[i] = Steady::now();
      auto r = conn.request("POST", "/api/v1/events", body,
                            auth_header + "Content-Type: application/x-ndjson\r\n");
      if (!r || r->status != 202)
        ++failed;
      else
        acked_at[i] = Steady::now().time_since_epoch().count();
      next += std::chrono::microseconds(1'000'000 / probe_rate);
    }
  });
  for (auto& t : load) t.join();
  prober.join();
  const double elapsed = std::chrono::duration<double>(Steady::now() - start).count();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // frames still in flight
  stop = true;
  reader.join();

  bus.unsubscribe(stamp_scores);
  std::vector<double> ms, to_applied, to_acked, applied_to_published, published_to_seen;
  size_t probes_sent = 0;
  auto since = [](int64_t from, int64_t to) { return double(to - from) / 1e6; };  // ns -> ms
  for (size_t i = 0; i < probes.size(); ++i) {
    if (sent[i] == Steady::time_point{}) continue;
    ++probes_sent;
    const int64_t t0 = sent[i].time_since_epoch().count();
    if (applied_at[i]) to_applied.push_back(since(t0, applied_at[i]));
    if (acked_at[i]) to_acked.push_back(since(t0, acked_at[i]));
    if (!got[i]) continue;
    ms.push_back(std::chrono::duration<double, std::milli>(seen[i] - sent[i]).count());
    if (applied_at[i] && published_at[i])
      applied_to_published.push_back(since(applied_at[i], published_at[i]));
    if (published_at[i])
      published_to_seen.push_back(since(published_at[i], seen[i].time_since_epoch().count()));
  }
  auto s = scorer.stats();
  std::printf(
      "background: %lld events accepted in %.1f s = %.0f events/s (goal %d), %lld late batches, "
      "%lld failed requests\n",
      (long long)accepted.load(), elapsed, double(accepted) / elapsed, rate,
      (long long)late_batches.load(), (long long)failed.load());
  std::printf("probes: %zu sent, %zu seen on the stream\n", probes_sent, ms.size());
  std::printf("POST -> score frame on SSE: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              percentile(ms, 0.5), percentile(ms, 0.9), percentile(ms, 0.99),
              ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()));
  for (auto [name, v] :
       {std::pair<const char*, std::vector<double>*>{"written -> applied", &to_applied},
        {"written -> 202 read", &to_acked},
        {"applied -> score published", &applied_to_published},
        {"published -> frame read", &published_to_seen}})
    std::printf("  stage %-28s p50 %6.2f ms, p90 %6.2f ms, p99 %6.2f ms\n", name,
                percentile(*v, 0.5), percentile(*v, 0.9), percentile(*v, 0.99));
  std::printf(
      "live scoring: model %lld, %lld leads re-scored, %lld score rows, %lld score frames read, "
      "%lld errors\n",
      (long long)s.model_id, (long long)s.rescored, (long long)s.rows_written,
      (long long)score_frames.load(), (long long)s.errors);
  auto per = [](int64_t micros, int64_t n) { return n ? double(micros) / 1e3 / double(n) : 0.0; };
  std::printf(
      "scoring rounds: %lld, %.1f leads and %.2f ms each on average, longest %.2f ms; "
      "reading a lead's record %.2f ms (%lld reads), ranking a written score %.2f ms, "
      "storing a round's rows %.2f ms (%lld rounds stored)\n",
      (long long)s.rounds, s.rounds ? double(s.rescored) / double(s.rounds) : 0.0,
      per(s.round_micros, s.rounds), double(s.max_round_micros) / 1e3, per(s.load_micros, s.loads),
      (long long)s.loads, per(s.rank_micros, s.rows_written), per(s.store_micros, s.stores),
      (long long)s.stores);
  app::ScoreSubscriber::Counters d;
  if (score_subscriber) {
    score_subscriber->wait_idle();
    d = score_subscriber->counters();
  }
  std::printf(
      "decisions on score messages: %llu decided, %llu skipped (open next step), %llu failed, %llu "
      "dropped\n",
      (unsigned long long)d.decided, (unsigned long long)d.skipped, (unsigned long long)d.failed,
      (unsigned long long)d.dropped);
  server.reset();
  router.reset();
  ingestor.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
