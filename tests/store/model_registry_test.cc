#include "store/model_registry.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "store/customer_store.h"
#include "store/lead_store.h"
#include "store/model_job_store.h"
#include "store/score_store.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

using testing::count_rows;
using testing::test_time;

class ModelRegistryTest : public testing::StoreTest {
 protected:
  ModelRecord draft(std::string entity = "leads", std::string target = "converted") {
    ModelRecord m;
    m.entity = std::move(entity);
    m.target = std::move(target);
    m.kind = "gbdt";
    m.metrics = boost::json::object{{"roc_auc", 0.81}};
    m.bundle = R"({"format":"insightcrm-model"})";
    m.feature_spec = boost::json::object{{"columns", boost::json::array{"source"}}};
    return m;
  }
  ManualClock clock_{test_time("2026-11-23T10:00:00Z")};
};

TEST_P(ModelRegistryTest, VersionsPerEntityAndTargetAndTheFirstIsActive) {
  ModelRegistry registry(db(), clock_);
  auto first = registry.register_model(Actor::system(), draft(), false);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->version, 1);
  EXPECT_TRUE(first->active) << "the first model of a pair scores until another is activated";
  auto second = registry.register_model(Actor::system(), draft(), false);
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(second->version, 2);
  EXPECT_FALSE(second->active);
  auto churn = registry.register_model(Actor::system(), draft("customers", "churned"), false);
  ASSERT_TRUE(churn.ok());
  EXPECT_EQ(churn->version, 1);
  EXPECT_TRUE(churn->active);

  auto active = registry.active("leads", "converted");
  ASSERT_TRUE(active.ok());
  ASSERT_TRUE(active->has_value());
  EXPECT_EQ((*active)->id, first->id);
  EXPECT_EQ((*active)->bundle, draft().bundle);

  auto listed = registry.list("leads");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, second->id) << "newest first";
  EXPECT_TRUE((*listed)[0].bundle.empty()) << "lists leave the bundle out";
  EXPECT_EQ((*listed)[1].metrics.at("roc_auc").as_double(), 0.81);
  EXPECT_EQ(registry.list()->size(), 3u);
}

TEST_P(ModelRegistryTest, ActivatingSwapsTheActiveVersionAndIsAudited) {
  ModelRegistry registry(db(), clock_);
  auto v1 = registry.register_model(Actor::system(), draft(), false);
  auto v2 = registry.register_model(Actor::system(), draft(), false);
  ASSERT_TRUE(v1.ok() && v2.ok());
  int64_t admin = testing::add_user(db(), "admin@example.org", "admin");
  auto activated = registry.activate(Actor::user(admin), v2->id);
  ASSERT_TRUE(activated.ok()) << activated.error().to_string();
  EXPECT_TRUE(activated->active);
  EXPECT_FALSE(registry.get(v1->id)->active);
  EXPECT_EQ(count_rows(db(), "models", "active = 1"), 1);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'models' AND action = 'activate'"), 1);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'models' AND action = 'register'"), 2);
  // Activating the active one changes nothing.
  ASSERT_TRUE(registry.activate(Actor::user(admin), v2->id).ok());
  EXPECT_EQ(count_rows(db(), "audit_log", "action = 'activate'"), 1);
  // Registering with activate moves the flag to the new version.
  auto v3 = registry.register_model(Actor::system(), draft(), true);
  ASSERT_TRUE(v3.ok());
  EXPECT_TRUE(v3->active);
  EXPECT_EQ(count_rows(db(), "models", "active = 1"), 1);
  EXPECT_EQ((*registry.active("leads", "converted"))->id, v3->id);
}

TEST_P(ModelRegistryTest, TheSchemaRefusesASecondActiveVersion) {
  ModelRegistry registry(db(), clock_);
  auto v1 = registry.register_model(Actor::system(), draft(), false);
  auto v2 = registry.register_model(Actor::system(), draft(), false);
  ASSERT_TRUE(v1.ok() && v2.ok());
  auto lease = db().lease();
  EXPECT_THROW(**lease << "UPDATE models SET active = 1 WHERE id = " + std::to_string(v2->id),
               std::exception);
}

TEST_P(ModelRegistryTest, BadInputIsRefusedWithTheField) {
  ModelRegistry registry(db(), clock_);
  auto m = draft("opportunities");
  auto r = registry.register_model(Actor::system(), m, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "entity");
  m = draft();
  m.target = std::string(kMaxModelTargetLength + 1, 't');
  EXPECT_EQ(registry.register_model(Actor::system(), m, false).error().field, "target");
  m = draft();
  m.bundle.clear();
  EXPECT_EQ(registry.register_model(Actor::system(), m, false).error().field, "bundle");
  EXPECT_EQ(registry.get(12345).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(registry.activate(Actor::system(), 12345).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(registry.active("leads", "converted")->has_value());
  EXPECT_EQ(count_rows(db(), "models"), 0);
}

class ScoreStoreTest : public ModelRegistryTest {
 protected:
  ScoreRecord score(int64_t model_id, int64_t lead, double p, int64_t rank, const char* at) {
    ScoreRecord s;
    s.entity = "leads";
    s.entity_id = lead;
    s.model_id = model_id;
    s.score = p;
    s.probability = p;
    s.rank = rank;
    s.tier = p > 0.5 ? "hot" : "cold";
    s.factors = boost::json::array{boost::json::object{{"column", "source"},
                                                       {"value", "referral"},
                                                       {"contribution", 0.84},
                                                       {"text", "source=referral +0.84"}}};
    s.scored_at = test_time(at);
    return s;
  }
};

TEST_P(ScoreStoreTest, KeepsHistoryAndTheLatestPerRecord) {
  ModelRegistry registry(db(), clock_);
  auto model = registry.register_model(Actor::system(), draft(), false);
  ASSERT_TRUE(model.ok());
  ScoreStore scores(db());
  std::vector<ScoreRecord> run1 = {score(model->id, 1, 0.7, 1, "2026-11-20T10:00:00Z"),
                                   score(model->id, 2, 0.2, 2, "2026-11-20T10:00:00Z")};
  auto first = scores.record(run1);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  std::vector<ScoreRecord> run2 = {
      score(model->id, 1, 0.1, 2, "2026-11-21T10:00:00Z"),
      score(model->id, 2, 0.6123456789012345, 1, "2026-11-21T10:00:00Z")};
  auto recorded = scores.record(run2);
  ASSERT_TRUE(recorded.ok()) << recorded.error().to_string();

  auto latest = scores.latest("leads", 2);
  ASSERT_TRUE(latest.ok()) << latest.error().to_string();
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->probability, 0.6123456789012345) << "doubles round-trip exactly";
  EXPECT_EQ((*latest)->rank, 1);
  EXPECT_EQ((*latest)->tier, "hot");
  EXPECT_EQ((*latest)->model_id, model->id);
  EXPECT_EQ((*latest)->scored_at, test_time("2026-11-21T10:00:00Z"));
  ASSERT_EQ((*latest)->factors.size(), 1u);
  EXPECT_EQ((*latest)->factors[0].at("text").as_string(), "source=referral +0.84");

  auto history = scores.history("leads", 1, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].probability, 0.1) << "newest first";
  EXPECT_EQ((*history)[1].probability, 0.7);
  EXPECT_EQ(count_rows(db(), "scores"), 4);
  EXPECT_EQ(count_rows(db(), "latest_scores"), 2);
  EXPECT_FALSE(scores.latest("leads", 3)->has_value());
  EXPECT_FALSE(scores.latest("customers", 1)->has_value());
}

// Unflushed (live scoring's rows): the same rows, and every pooled SQLite
// connection flushes again afterwards — after a failed commit too.
TEST_P(ScoreStoreTest, UnflushedRecordsStoreTheSameRowsAndLeaveConnectionsFlushing) {
  ModelRegistry registry(db(), clock_);
  auto model = registry.register_model(Actor::system(), draft(), false);
  ASSERT_TRUE(model.ok());
  ScoreStore scores(db());
  std::vector<ScoreRecord> run = {score(model->id, 1, 0.7, 1, "2026-11-20T10:00:00Z")};
  ASSERT_TRUE(scores.record(run, Flush::kUnflushed).ok());
  std::vector<ScoreRecord> bad = {score(model->id + 1000, 2, 0.4, 2, "2026-11-20T10:00:00Z")};
  EXPECT_FALSE(scores.record(bad, Flush::kUnflushed).ok());  // no such model
  auto latest = scores.latest("leads", 1);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->probability, 0.7);
  EXPECT_EQ(count_rows(db(), "scores"), 1);
  if (db().engine() != Engine::kSqlite) return;
  std::vector<Database::Lease> all;  // every connection of the pool at once
  for (size_t i = 0; i < db().pool_size(); ++i) {
    auto lease = db().lease();
    ASSERT_TRUE(lease.ok());
    long long level = 0;
    **lease << "PRAGMA synchronous", soci::into(level);
    EXPECT_EQ(level, 2) << "connection " << i << " is FULL again";
    all.push_back(std::move(*lease));
  }
}

TEST_P(ScoreStoreTest, LeadsListSortedByTheirLatestRankUnscoredLast) {
  LeadStore leads(db(), clock_);
  std::vector<int64_t> ids;
  for (const char* name : {"A", "B", "C", "D"}) {
    Lead l;
    l.name = name;
    auto created = leads.create(Actor::system(), l);
    ASSERT_TRUE(created.ok()) << created.error().to_string();
    ids.push_back(created->id);
  }
  ModelRegistry registry(db(), clock_);
  auto model = registry.register_model(Actor::system(), draft(), false);
  ASSERT_TRUE(model.ok());
  ScoreStore scores(db());
  // An older run ranked A first; the latest ranks C, A, B and leaves D unscored.
  std::vector<ScoreRecord> old_run = {score(model->id, ids[0], 0.9, 1, "2026-11-20T10:00:00Z")};
  ASSERT_TRUE(scores.record(old_run).ok());
  std::vector<ScoreRecord> run = {score(model->id, ids[2], 0.8, 1, "2026-11-21T10:00:00Z"),
                                  score(model->id, ids[0], 0.6, 2, "2026-11-21T10:00:00Z"),
                                  score(model->id, ids[1], 0.1, 3, "2026-11-21T10:00:00Z")};
  ASSERT_TRUE(scores.record(run).ok());

  std::vector<std::string> order;
  ListQuery q{.limit = 3, .sort = "rank"};
  auto page = leads.list(q);
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  for (const auto& l : page->items) order.push_back(l.name);
  ASSERT_FALSE(page->next_cursor.empty());
  q.cursor = page->next_cursor;
  auto rest = leads.list(q);
  ASSERT_TRUE(rest.ok()) << rest.error().to_string();
  for (const auto& l : rest->items) order.push_back(l.name);
  EXPECT_EQ(order, (std::vector<std::string>{"C", "A", "B", "D"}));

  auto desc = leads.list({.sort = "-rank"});
  ASSERT_TRUE(desc.ok());
  ASSERT_EQ(desc->items.size(), 4u);
  EXPECT_EQ(desc->items.front().name, "D");
  EXPECT_EQ(desc->items.back().name, "C");
  EXPECT_FALSE(leads.list({.filters = {{"rank", "1"}}}).ok()) << "rank sorts, it does not filter";
}

TEST_P(ScoreStoreTest, CustomersSortByTheirLatestChurnRankAndListsReadLatestScoresWithVersions) {
  CustomerStore customers(db(), clock_);
  std::vector<int64_t> ids;
  for (const char* name : {"A", "B", "C"}) {
    Customer c;
    c.name = name;
    auto created = customers.create(Actor::system(), c);
    ASSERT_TRUE(created.ok()) << created.error().to_string();
    ids.push_back(created->id);
  }
  ModelRegistry registry(db(), clock_);
  ASSERT_TRUE(registry.register_model(Actor::system(), draft("customers", "churned"), false).ok());
  auto v2 = registry.register_model(Actor::system(), draft("customers", "churned"), false);
  ASSERT_TRUE(v2.ok());
  auto leads_model = registry.register_model(Actor::system(), draft(), false);
  ASSERT_TRUE(leads_model.ok());
  ScoreStore scores(db());
  auto churn = [&](int64_t id, double p, int64_t rank) {
    auto s = score(v2->id, id, p, rank, "2026-11-22T10:00:00Z");
    s.entity = "customers";
    return s;
  };
  // B is the most likely to churn, then C; A was never scored. A lead with
  // A's id has a score that must not leak into the customers' order.
  std::vector<ScoreRecord> run = {churn(ids[1], 0.9, 1), churn(ids[2], 0.4, 2),
                                  score(leads_model->id, ids[0], 0.99, 1, "2026-11-22T10:00:00Z")};
  ASSERT_TRUE(scores.record(run).ok());

  auto by_rank = customers.list({.sort = "rank"});
  ASSERT_TRUE(by_rank.ok()) << by_rank.error().to_string();
  std::vector<std::string> order;
  for (const auto& c : by_rank->items) order.push_back(c.name);
  EXPECT_EQ(order, (std::vector<std::string>{"B", "C", "A"}));
  auto first = customers.list({.limit = 1, .sort = "-rank"});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 1u);
  EXPECT_EQ(first->items[0].name, "A") << "unscored sort last, so first in descending order";

  auto latest = scores.latest_of("customers", ids);
  ASSERT_TRUE(latest.ok()) << latest.error().to_string();
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_FALSE(latest->count(ids[0]));
  const ListedScore& b = latest->at(ids[1]);
  EXPECT_EQ(b.probability, 0.9);
  EXPECT_EQ(b.rank, 1);
  EXPECT_EQ(b.tier, "hot");
  EXPECT_EQ(b.model_id, v2->id);
  EXPECT_EQ(b.model_version, 2);
  EXPECT_EQ(b.scored_at, test_time("2026-11-22T10:00:00Z"));
  EXPECT_TRUE(scores.latest_of("customers", {})->empty());
  std::vector<int64_t> at_limit(kMaxListedScoreIds, ids[1]);
  EXPECT_TRUE(scores.latest_of("customers", at_limit).ok());
  at_limit.push_back(ids[1]);
  EXPECT_EQ(scores.latest_of("customers", at_limit).error().field, "ids");
}

TEST_P(ScoreStoreTest, ABadRowStoresNothingOfItsRun) {
  ModelRegistry registry(db(), clock_);
  auto model = registry.register_model(Actor::system(), draft(), false);
  ASSERT_TRUE(model.ok());
  ScoreStore scores(db());
  std::vector<ScoreRecord> run = {score(model->id, 1, 0.7, 1, "2026-11-20T10:00:00Z"),
                                  score(model->id, 2, 0.2, 2, "2026-11-20T10:00:00Z")};
  run[1].tier = "lukewarm";
  EXPECT_EQ(scores.record(run).error().field, "tier");
  run[1].tier = "cold";
  run[1].model_id = model->id + 100;  // no such model
  EXPECT_FALSE(scores.record(run).ok());
  EXPECT_EQ(count_rows(db(), "scores"), 0);
  EXPECT_EQ(count_rows(db(), "latest_scores"), 0);
  EXPECT_EQ(scores.history("leads", 1, kMaxScoreHistoryLimit + 1).error().field, "limit");
}

TEST_P(ModelRegistryTest, JobsMoveQueuedRunningFinishedOnce) {
  ModelJobStore jobs(db(), clock_);
  auto job = jobs.create("leads", "converted", boost::json::object{{"model", "all"}}, std::nullopt);
  ASSERT_TRUE(job.ok()) << job.error().to_string();
  EXPECT_EQ(job->status, "queued");
  EXPECT_EQ((*jobs.unfinished("leads", "converted"))->id, job->id);
  EXPECT_EQ(jobs.progress(job->id, "x").error().code, ErrorCode::kConflict) << "not running yet";
  ASSERT_TRUE(jobs.start(job->id).ok());
  ASSERT_TRUE(jobs.progress(job->id, std::string(kMaxJobMessageLength + 10, 'p')).ok());
  EXPECT_EQ(jobs.get(job->id)->progress->size(), kMaxJobMessageLength);
  EXPECT_EQ(jobs.start(job->id).error().code, ErrorCode::kConflict);
  ModelRegistry registry(db(), clock_);
  auto model = registry.register_model(Actor::system(), draft(), false);
  ASSERT_TRUE(jobs.succeed(job->id, model->id).ok());
  auto done = jobs.get(job->id);
  EXPECT_EQ(done->status, "succeeded");
  EXPECT_EQ(done->model_id, model->id);
  EXPECT_TRUE(done->finished_at.has_value());
  EXPECT_EQ(jobs.fail(job->id, "late").error().code, ErrorCode::kConflict);
  EXPECT_FALSE(jobs.unfinished("leads", "converted")->has_value());
  EXPECT_EQ(jobs.get(999).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(jobs.create("deals", "won", {}, std::nullopt).error().field, "entity");
  auto failed = jobs.create("customers", "churned", {}, std::nullopt);
  ASSERT_TRUE(jobs.fail(failed->id, "no labelled customers").ok());
  EXPECT_EQ(*jobs.get(failed->id)->error, "no labelled customers");
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ModelRegistryTest);
ICRM_INSTANTIATE_ON_BOTH_ENGINES(ScoreStoreTest);

}  // namespace
}  // namespace icrm::store
