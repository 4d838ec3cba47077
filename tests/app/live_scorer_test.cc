// Live re-scoring (models/live_scorer.h) on both engines, with a ManualClock:
// a lead model is trained on leads whose form submissions decided their
// outcome; then events for an open lead move its score through the stream's
// window features — a history row and a "score" message of the agreed shape,
// a tier_change alert, throttled rows within the interval — and without an
// active model nothing is scored.
#include "app/live_scorer.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <future>
#include <mutex>
#include <set>

#include "app/event_ingestor.h"
#include "features/record_table.h"
#include "models/record_training.h"
#include "models/table_scorer.h"
#include "store/alert_store.h"
#include "store/lead_store.h"
#include "store/model_registry.h"
#include "store/record_history.h"
#include "store/score_store.h"
#include "store/user_store.h"
#include "stream/feature_spec.h"
#include "tests/support/test_database.h"

namespace icrm::app {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class LiveScorerTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    subscription_ = bus_.subscribe([this](const BusMessage& m) {
      if (m.topic == "summary") return;
      std::lock_guard lock(mutex_);
      messages_.push_back(m);
    });
  }
  void TearDown() override {
    ingestor_.reset();
    scorer_.reset();
    bus_.unsubscribe(subscription_);
    StoreTest::TearDown();
  }

  void start(LiveScoringOptions options = {}) {
    scorer_ = std::make_unique<LiveScorer>(db(), clock_, bus_, options);
    app::IngestorOptions o;
    o.observer = scorer_.get();
    auto started = app::EventIngestor::start(db(), clock_, bus_, o);
    ASSERT_TRUE(started.ok()) << started.error().to_string();
    ingestor_ = std::move(*started);
  }

  int64_t lead(store::LeadStatus status = store::LeadStatus::kContacted) {
    store::Lead l;
    l.name = "L" + std::to_string(++made_);
    l.status = status;
    auto made = store::LeadStore(db(), clock_).create(store::Actor::system(), l);
    EXPECT_TRUE(made.ok()) << made.error().to_string();
    return made ? made->id : 0;
  }

  // `n` events of `type` for the lead, at the clock's time, stored and applied.
  void events(int64_t id, const std::string& type, int n) {
    std::string body;
    for (int i = 0; i < n; ++i) {
      body += R"({"id":"e)" + std::to_string(++event_no_) + R"(","entity":"lead:)" +
              std::to_string(id) + R"(","type":")" + type + R"(","ts":")" +
              format_timestamp(clock_.now()) + "\"}\n";
    }
    auto types = ingestor_->types();
    auto parsed = ingest::read_events(body, ingest::EventBodyFormat::kNdjson, *types, clock_);
    ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
    std::promise<Result<app::IngestReport>> done;
    ingestor_->ingest(std::move(*parsed), types,
                      [&](Result<app::IngestReport> r) { done.set_value(std::move(r)); });
    auto report = done.get_future().get();
    ASSERT_TRUE(report.ok()) << report.error().to_string();
    ASSERT_EQ(report->accepted, static_cast<size_t>(n));
    ingestor_->worker().flush();
  }

  // 40 leads that looked, submitted forms and converted, 40 that only looked and
  // were lost, and a trained, active lead model (logistic regression).
  void train() {
    std::vector<int64_t> buyers, tourists;
    for (int i = 0; i < 40; ++i) buyers.push_back(lead());
    for (int i = 0; i < 40; ++i) tourists.push_back(lead());
    // Everyone looked once; only the buyers submitted forms.
    for (int64_t id : buyers) events(id, "page_view", 1);
    for (int64_t id : buyers) events(id, "form_submit", 6);
    for (int64_t id : tourists) events(id, "page_view", 1);
    clock_.advance(minutes(30));
    store::LeadStore leads(db(), clock_);
    for (int64_t id : buyers) {
      ASSERT_TRUE(leads.transition(store::Actor::system(), id, store::LeadStatus::kQualified).ok());
      ASSERT_TRUE(leads.convert(store::Actor::system(), id).ok());
    }
    for (int64_t id : tourists)
      ASSERT_TRUE(leads.transition(store::Actor::system(), id, store::LeadStatus::kLost).ok());
    clock_.advance(minutes(30));
    models::RecordTrainingOptions o;
    o.entity = "leads";
    o.train.models = {"lr"};
    auto trained = models::train_on_records(db(), clock_, o);
    ASSERT_TRUE(trained.ok()) << trained.error().to_string();
    ASSERT_TRUE(trained->model.active);
    model_id_ = trained->model.id;
    scorer_->refresh_model();
  }

  std::vector<boost::json::object> topic(const std::string& name) {
    std::lock_guard lock(mutex_);
    std::vector<boost::json::object> out;
    for (const auto& m : messages_)
      if (m.topic == name) out.push_back(boost::json::parse(m.data).as_object());
    return out;
  }

  std::vector<store::ScoreRecord> history(int64_t id) {
    auto h = store::ScoreStore(db()).history("leads", id, 100);
    EXPECT_TRUE(h.ok());
    return h ? *h : std::vector<store::ScoreRecord>{};
  }

  ManualClock clock_{*parse_timestamp("2026-11-02T09:00:00Z")};
  EventBus bus_;
  uint64_t subscription_ = 0;
  std::mutex mutex_;
  std::vector<BusMessage> messages_;
  std::unique_ptr<LiveScorer> scorer_;
  std::unique_ptr<app::EventIngestor> ingestor_;
  int made_ = 0;
  int event_no_ = 0;
  int64_t model_id_ = 0;
};

TEST_P(LiveScorerTest, WithoutAnActiveModelNothingIsScoredAndStatsSaySo) {
  start();
  int64_t id = lead();
  events(id, "form_submit", 3);
  LiveScoringStats s = scorer_->stats();
  EXPECT_EQ(s.model_id, 0);
  EXPECT_EQ(s.state, "no active lead model");
  EXPECT_EQ(s.skipped_no_model, 1);
  EXPECT_EQ(s.rescored, 0);
  EXPECT_TRUE(history(id).empty());
  EXPECT_TRUE(topic("score").empty());
}

TEST_P(LiveScorerTest, EventsMoveAnOpenLeadsScoreAndATierChangeRaisesAnAlert) {
  start();
  train();
  if (HasFatalFailure()) return;
  int64_t id = lead(store::LeadStatus::kNew);
  // Its first event: one look, like every lead had. A first score has no
  // previous tier.
  events(id, "page_view", 1);
  auto first = topic("score");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(first[0].at("previous_tier").is_null());
  EXPECT_EQ(first[0].at("tier").as_string(), "cold");
  // The shape the decision stage subscribes to, exactly.
  std::set<std::string> keys;
  for (const auto& kv : first[0]) keys.insert(std::string(kv.key()));
  EXPECT_EQ(keys, (std::set<std::string>{"lead_id", "model_id", "probability", "score", "rank",
                                         "tier", "previous_tier", "owner_id", "ts"}));
  EXPECT_TRUE(first[0].at("owner_id").is_null());  // unassigned: the stream's filter reads it
  EXPECT_EQ(first[0].at("lead_id").as_int64(), id);
  EXPECT_EQ(first[0].at("model_id").as_int64(), model_id_);
  EXPECT_EQ(first[0].at("ts").as_string(), format_timestamp(clock_.now()));

  // Six form submissions: the model's buyers. Hot, with an alert.
  clock_.advance(seconds(5));
  events(id, "form_submit", 6);
  auto scores = topic("score");
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_EQ(scores[1].at("previous_tier").as_string(), "cold");
  EXPECT_EQ(scores[1].at("tier").as_string(), "hot") << boost::json::serialize(scores[1]);
  EXPECT_GT(scores[1].at("probability").as_double(), first[0].at("probability").as_double());
  auto rows = history(id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].tier, "hot");
  EXPECT_EQ(rows[0].model_id, model_id_);
  EXPECT_EQ(rows[0].scored_at, clock_.now());
  // Rank among the latest scores: the other open leads were scored lower or not at all.
  auto latest = store::ScoreStore(db()).latest("leads", id);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->rank, scores[1].at("rank").as_int64());
  auto alerts = store::AlertStore(db()).list({.kind = "tier_change"});
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].entity, "lead:" + std::to_string(id));
  EXPECT_EQ((*alerts)[0].seen, scores[1].at("probability").as_double());
  auto published = topic("alert");
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].at("kind").as_string(), "tier_change");
  EXPECT_EQ(scorer_->stats().tier_changes, 1);
}

TEST_P(LiveScorerTest, ABurstWritesOneRowAndTheIntervalOpensTheNext) {
  LiveScoringOptions o;
  o.min_interval = seconds(60);
  o.min_change = 0;  // any move counts once the interval is over
  start(o);
  train();
  if (HasFatalFailure()) return;
  int64_t id = lead(store::LeadStatus::kNew);
  events(id, "page_view", 1);  // first score: a row
  ASSERT_EQ(history(id).size(), 1u);
  // A burst within the interval, tier unchanged (page views keep it cold):
  // scored every time, stored never.
  for (int i = 0; i < 5; ++i) {
    clock_.advance(seconds(10));
    events(id, "page_view", 2);
  }
  EXPECT_EQ(history(id).size(), 1u);
  EXPECT_EQ(scorer_->stats().rescored, 6);
  EXPECT_EQ(topic("score").size(), 1u);
  // The interval is over (60 s after the last row): the next event writes one.
  clock_.advance(seconds(10));
  events(id, "page_view", 1);
  EXPECT_EQ(history(id).size(), 2u);
  EXPECT_EQ(topic("score").size(), 2u);
}

TEST_P(LiveScorerTest, ScoreAndTierChangeMessagesCarryTheLeadsOwner) {
  start();
  train();
  if (HasFatalFailure()) return;
  auto rep = store::UserStore(db(), clock_)
                 .create(store::Actor::system(),
                         {"rep@example.com", "Rep", store::Role::kRep, "not a real hash"});
  ASSERT_TRUE(rep.ok()) << rep.error().to_string();
  store::Lead l;
  l.name = "owned";
  l.status = store::LeadStatus::kNew;
  l.owner_id = rep->id;
  auto made = store::LeadStore(db(), clock_).create(store::Actor::system(), l);
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  events(made->id, "page_view", 1);
  clock_.advance(seconds(5));
  events(made->id, "form_submit", 6);  // cold -> hot: a tier_change alert too
  auto scores = topic("score");
  ASSERT_EQ(scores.size(), 2u);
  for (const auto& s : scores) EXPECT_EQ(s.at("owner_id").as_int64(), rep->id);
  auto alerts = topic("alert");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].at("owner_id").as_int64(), rep->id);
}

// The live path builds no table: it keeps a lead's cells from its record and
// writes only the behaviour columns per score. Its numbers must be the batch
// path's (features::lead_row + score_table) for the same lead at the same time.
TEST_P(LiveScorerTest, LiveScoresEqualTheBatchPathsScoresOfTheSameRow) {
  LiveScoringOptions o;
  o.min_interval = seconds(0);  // every score is written, so every step compares
  o.min_change = 0;
  start(o);
  train();
  if (HasFatalFailure()) return;
  store::Lead l;
  l.name = "with a record";
  l.status = store::LeadStatus::kContacted;
  l.company = "Acme";
  l.source = "web";
  l.expected_value_minor = 123456;
  auto made = store::LeadStore(db(), clock_).create(store::Actor::system(), l);
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  auto registry = store::ModelRegistry(db(), clock_).get(model_id_, /*with_bundle=*/true);
  ASSERT_TRUE(registry.ok());
  auto bundle = models::bundle_from_json(registry->bundle);
  ASSERT_TRUE(bundle.ok()) << bundle.error().to_string();
  const models::ScoredModel* model = bundle->find(registry->kind);
  ASSERT_NE(model, nullptr);
  std::vector<std::string> columns;
  for (const auto& c : bundle->spec.columns()) columns.push_back(c.name);
  auto facts = store::RecordHistory(db()).facts_of("leads", made->id);
  ASSERT_TRUE(facts.ok());
  // Several steps, with the record's cells kept between them and a time
  // step past kLiveCellsMaxAge in the middle.
  const std::vector<std::pair<std::string, int>> steps = {
      {"page_view", 1}, {"form_submit", 2}, {"email_open", 3}, {"form_submit", 4}};
  for (size_t i = 0; i < steps.size(); ++i) {
    clock_.advance(i == 2 ? minutes(2) : seconds(1));
    events(made->id, steps[i].first, steps[i].second);
    std::vector<double> behaviour;
    std::vector<std::string> names;
    ingestor_->worker().read_state([&](const stream::StreamState& state) {
      stream::FeatureSpec spec(state.config(), *ingestor_->types());
      names = spec.names();
      behaviour.resize(spec.size());
      spec.extract(state.entity("lead:" + std::to_string(made->id)), clock_.now(), behaviour);
    });
    auto row = features::lead_row(*made, *facts, clock_.now(), columns,
                                  [&](std::string_view name) -> std::optional<double> {
                                    auto it = std::find(names.begin(), names.end(), name);
                                    if (it == names.end()) return std::nullopt;
                                    return behaviour[static_cast<size_t>(it - names.begin())];
                                  });
    auto batch = models::score_table(bundle->spec, *model, row, 0);
    ASSERT_TRUE(batch.ok()) << batch.error().to_string();
    auto latest = store::ScoreStore(db()).latest("leads", made->id);
    ASSERT_TRUE(latest.ok() && latest->has_value());
    ASSERT_EQ((*latest)->scored_at, clock_.now()) << "step " << i;
    EXPECT_DOUBLE_EQ((*latest)->probability, batch->probability[0]) << "step " << i;
    EXPECT_DOUBLE_EQ((*latest)->score, batch->score[0]) << "step " << i;
    EXPECT_EQ((*latest)->tier, batch->tier[0]) << "step " << i;
  }
  EXPECT_EQ(history(made->id).size(), steps.size());
}

TEST_P(LiveScorerTest, ClosedLeadsAreNotScored) {
  start();
  train();
  if (HasFatalFailure()) return;
  int64_t id = lead();
  ASSERT_TRUE(store::LeadStore(db(), clock_)
                  .transition(store::Actor::system(), id, store::LeadStatus::kLost)
                  .ok());
  events(id, "form_submit", 6);
  EXPECT_TRUE(history(id).empty());
  EXPECT_EQ(scorer_->stats().skipped_closed, 1);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(LiveScorerTest);

}  // namespace
}  // namespace icrm::app
