// The decision log, decision settings and bandit posteriors (migration 0008)
// on both engines: doubles bound as doubles, one open next step per lead
// (also under concurrent writers), outcomes set once, posteriors versioned.
#include "store/decision_store.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <thread>

#include "store/activity_store.h"
#include "store/lead_store.h"
#include "store/sql_support.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

const Timestamp kAt = *parse_timestamp("2026-11-23T10:00:00Z");

class DecisionStoreTest : public testing::StoreTest {
 protected:
  int64_t add_lead(std::optional<int64_t> owner = std::nullopt) {
    ManualClock clock(kAt);
    LeadStore leads(db(), clock);
    Lead l;
    l.name = "Ada";
    l.owner_id = owner;
    auto created = leads.create(Actor::system(), l);
    EXPECT_TRUE(created.ok()) << created.error().to_string();
    return created->id;
  }
  static DecisionRecord decision(int64_t lead) {
    DecisionRecord d;
    d.lead_id = lead;
    d.score = 0.8123456789012345;
    d.probability = 1.0 / 3.0;
    d.tier = "high";
    d.theta = 0.7;
    d.theta1 = 0.4;
    d.threshold_mode = "admin";
    d.deal_value = 1200;
    d.utility = {360, 395, 375, 399};
    d.action = "call";
    d.probabilities = {0.7, 0.1, 0.15, 0.05};
    d.propensity = 0.7;
    d.policy = "bandit";
    d.bandit_version = 3;
    d.context = R"({"x":[1,0.5]})";
    d.why = "S=0.8123 > θ=0.7000: high";
    d.triggered_by = "on_demand";
    d.created_at = kAt;
    return d;
  }
  static Activity step(std::string_view kind = "call") {
    Activity a;
    a.kind = *parse_activity_kind(kind);
    a.subject = "Call Ada";
    a.due_at = kAt + std::chrono::hours(4);
    return a;
  }
};

TEST_P(DecisionStoreTest, RecordsADecisionWithItsActivityAndReadsItBack) {
  int64_t lead = add_lead();
  DecisionStore store(db());
  auto stored = store.record(Actor::system(), decision(lead), step());
  ASSERT_TRUE(stored.ok()) << stored.error().to_string();
  ASSERT_TRUE(stored->activity_id.has_value());
  auto back = store.get(stored->id);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_NEAR(back->score, 0.8123456789012345, 1e-14);
  EXPECT_NEAR(back->probability, 1.0 / 3.0, 1e-14);
  EXPECT_EQ(back->tier, "high");
  EXPECT_EQ(back->utility[1], 395);
  EXPECT_EQ(back->probabilities[2], 0.15);
  EXPECT_EQ(back->propensity, 0.7);
  EXPECT_EQ(back->activity_id, stored->activity_id);
  EXPECT_EQ(back->created_at, kAt);
  EXPECT_FALSE(back->outcome.has_value());

  ManualClock clock(kAt);
  ActivityStore activities(db(), clock);
  auto activity = activities.get(*stored->activity_id);
  ASSERT_TRUE(activity.ok());
  EXPECT_TRUE(activity->created_by_system);
  EXPECT_EQ(activity->lead_id, lead);
  EXPECT_EQ(testing::count_rows(db(), "audit_log", "entity = 'activities'"), 1);

  auto latest = store.latest_for_lead(lead);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->id, stored->id);
  auto by_activity = store.for_activity(*stored->activity_id);
  ASSERT_TRUE(by_activity.ok() && by_activity->has_value());
  EXPECT_EQ((*by_activity)->id, stored->id);
}

TEST_P(DecisionStoreTest, RefusesASecondNextStepWhileOneIsOpen) {
  int64_t lead = add_lead();
  DecisionStore store(db());
  auto first = store.record(Actor::system(), decision(lead), step());
  ASSERT_TRUE(first.ok());
  auto second = store.record(Actor::system(), decision(lead), step("email"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().field, "lead_id");
  EXPECT_EQ(testing::count_rows(db(), "decisions"), 1);

  // Once the step is done, the next decision may create the next one.
  ManualClock clock(kAt);
  ActivityStore activities(db(), clock);
  ASSERT_TRUE(
      activities.set_status(Actor::system(), *first->activity_id, ActivityStatus::kDone).ok());
  EXPECT_TRUE(store.record(Actor::system(), decision(lead), step("email")).ok());

  auto unknown = store.record(Actor::system(), decision(lead + 100), step());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_P(DecisionStoreTest, ConcurrentWritersForOneLeadStoreExactlyOneNextStep) {
  int64_t lead = add_lead();
  DecisionStore store(db());
  constexpr int kThreads = 8;
  std::atomic<int> stored{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto r = store.record(Actor::system(), decision(lead), step());
      if (r.ok()) {
        ++stored;
      } else if (r.error().code == ErrorCode::kConflict) {
        ++conflicts;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(stored.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(testing::count_rows(db(), "activities", "status = 'open'"), 1);
  EXPECT_EQ(testing::count_rows(db(), "decisions"), 1);
}

TEST_P(DecisionStoreTest, OutcomeIsSetOnceAndListsFilter) {
  int64_t mine = testing::add_user(db(), "rep@example.com");
  int64_t lead = add_lead(mine), other = add_lead(testing::add_user(db(), "b@example.com"));
  DecisionStore store(db());
  auto a = store.record(Actor::system(), decision(lead), std::nullopt);
  auto d2 = decision(other);
  d2.tier = "low";
  d2.action = "nurture";
  auto b = store.record(Actor::system(), d2, std::nullopt);
  ASSERT_TRUE(a.ok() && b.ok());

  auto set = store.set_outcome(a->id, "converted", 1.0, "api", kAt + std::chrono::hours(1));
  ASSERT_TRUE(set.ok()) << set.error().to_string();
  EXPECT_TRUE(*set);
  auto again =
      store.set_outcome(a->id, "no_conversion", 0.0, "horizon", kAt + std::chrono::hours(2));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(store.get(a->id)->outcome, "converted");
  EXPECT_EQ(store.get(a->id)->reward, 1.0);
  EXPECT_EQ(store.set_outcome(9999, "converted", 1, "api", kAt).error().code, ErrorCode::kNotFound);

  DecisionFilter pending;
  pending.outcome = "pending";
  auto p = store.list(pending);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].id, b->id);
  DecisionFilter by_tier;
  by_tier.tier = "high";
  EXPECT_EQ(store.list(by_tier)->size(), 1u);
  DecisionFilter owned;
  owned.owner_id = mine;
  auto o = store.list(owned);
  ASSERT_EQ(o->size(), 1u);
  EXPECT_EQ((*o)[0].lead_id, lead);
  DecisionFilter page;
  page.limit = 1;
  auto first_page = store.list(page);
  ASSERT_EQ(first_page->size(), 1u);
  EXPECT_EQ((*first_page)[0].id, b->id);
  page.before_id = b->id;
  EXPECT_EQ((*store.list(page))[0].id, a->id);
  page.limit = kMaxDecisionListLimit + 1;
  EXPECT_EQ(store.list(page).error().field, "limit");
  page.limit = kMaxDecisionListLimit;
  EXPECT_TRUE(store.list(page).ok());

  ASSERT_TRUE(store.mark_rejected(b->id, "already a customer", kAt).ok());
  EXPECT_EQ(store.get(b->id)->reject_reason, "already a customer");
  EXPECT_EQ(store.mark_accepted(9999, kAt).error().code, ErrorCode::kNotFound);
  auto old = store.pending_before(kAt + std::chrono::seconds(1), 0, 10);
  ASSERT_EQ(old->size(), 1u);
  EXPECT_EQ((*old)[0].id, b->id);
}

// GET /api/v1/decisions/kpis from real records: steps by the engine vs by
// people, time from a tier change to the first touch (a completed step or an
// outbound message), conversion by tier, a period and a rep's scope.
TEST_P(DecisionStoreTest, KpisComeFromTheRecords) {
  int64_t rep = testing::add_user(db(), "rep@example.com");
  int64_t other = testing::add_user(db(), "other@example.com");
  int64_t a = add_lead(rep), b = add_lead(other);
  DecisionStore store(db());
  auto at = [&](std::chrono::hours h, int64_t lead, std::string tier, bool with_step) {
    DecisionRecord d = decision(lead);
    d.tier = std::move(tier);
    d.created_at = kAt + h;
    auto stored =
        store.record(Actor::system(), d, with_step ? std::optional(step()) : std::nullopt);
    EXPECT_TRUE(stored.ok()) << stored.error().to_string();
    return *stored;
  };
  // Lead a: High, its call done 2 h later; High again a day later (no tier
  // change); Medium on day 2, answered by an outbound email 6 h later; then
  // it converts on day 3.
  auto a1 = at(std::chrono::hours(0), a, "high", true);
  {
    ManualClock clock(kAt + std::chrono::hours(2));
    ASSERT_TRUE(ActivityStore(db(), clock)
                    .set_status(Actor::user(rep), *a1.activity_id, ActivityStatus::kDone)
                    .ok());
  }
  at(std::chrono::hours(24), a, "high", false);
  at(std::chrono::hours(48), a, "medium", true);
  {
    auto lease = db().lease();
    std::string ts = format_timestamp(kAt + std::chrono::hours(54));
    **lease << "INSERT INTO communications (lead_id, direction, channel, occurred_at, created_at) "
               "VALUES (:l, "
               "'out', 'email', :t, :c)",
        soci::use(a), soci::use(ts), soci::use(ts);
  }
  {
    ManualClock clock(kAt + std::chrono::hours(72));
    LeadStore leads(db(), clock);
    ASSERT_TRUE(leads.transition(Actor::system(), a, LeadStatus::kContacted).ok());
    ASSERT_TRUE(leads.transition(Actor::system(), a, LeadStatus::kQualified).ok());
    ASSERT_TRUE(leads.convert(Actor::system(), a).ok());
  }
  // Lead b: Low, never touched; a person adds an email step by hand.
  at(std::chrono::hours(1), b, "low", true);
  {
    ManualClock clock(kAt + std::chrono::hours(1));
    Activity manual;
    manual.kind = ActivityKind::kEmail;
    manual.subject = "By hand";
    manual.lead_id = b;
    ASSERT_TRUE(ActivityStore(db(), clock).create(Actor::user(other), manual).ok());
  }

  auto k = store.kpis(std::nullopt, std::nullopt, std::nullopt);
  ASSERT_TRUE(k.ok()) << k.error().to_string();
  EXPECT_EQ(k->decisions, 4);
  EXPECT_EQ(k->next_steps_automatic, 3);
  EXPECT_EQ(k->next_steps_manual, 1);
  EXPECT_EQ(k->touched, 2) << "a1 after 2 h, a3 after 6 h; b1 never; a2 is no tier change";
  ASSERT_TRUE(k->mean_seconds_to_first_touch && k->median_seconds_to_first_touch);
  EXPECT_DOUBLE_EQ(*k->mean_seconds_to_first_touch, 4 * 3600.0);
  EXPECT_DOUBLE_EQ(*k->median_seconds_to_first_touch, 4 * 3600.0);
  ASSERT_EQ(k->conversion_by_tier.size(), 3u);
  EXPECT_EQ(k->conversion_by_tier[0].tier, "high");
  EXPECT_EQ(k->conversion_by_tier[0].decisions, 2);
  EXPECT_EQ(k->conversion_by_tier[0].converted, 2);
  EXPECT_EQ(k->conversion_by_tier[1].decisions, 1);
  EXPECT_EQ(k->conversion_by_tier[1].converted, 1);
  EXPECT_EQ(k->conversion_by_tier[2].decisions, 1);
  EXPECT_EQ(k->conversion_by_tier[2].converted, 0);

  // From day 1: a2 (still High after a1, which is outside the period: no
  // tier change) and a3.
  auto later = store.kpis(kAt + std::chrono::hours(24), std::nullopt, std::nullopt);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->decisions, 2);
  EXPECT_EQ(later->touched, 1);
  EXPECT_DOUBLE_EQ(*later->mean_seconds_to_first_touch, 6 * 3600.0);
  EXPECT_EQ(later->next_steps_automatic, 1);
  EXPECT_EQ(later->next_steps_manual, 0);

  // The rep's scope: own and unassigned leads only.
  auto mine = store.kpis(std::nullopt, std::nullopt, rep);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->decisions, 3);
  EXPECT_EQ(mine->next_steps_automatic, 2);
  EXPECT_EQ(mine->next_steps_manual, 0);
  EXPECT_EQ(mine->conversion_by_tier[2].decisions, 0);
}

TEST_P(DecisionStoreTest, SettingsAndPosteriorsRoundTrip) {
  DecisionStore store(db());
  EXPECT_FALSE(store.load_settings()->has_value());
  ASSERT_TRUE(store.save_settings(Actor::system(), R"({"theta":0.7})", kAt).ok());
  ASSERT_TRUE(store.save_settings(Actor::system(), R"({"theta":0.8})", kAt).ok());
  EXPECT_EQ(store.load_settings()->value(), R"({"theta":0.8})");

  auto first = store.update_posterior(
      "call",
      [](std::optional<BanditPosterior> before) {
        EXPECT_FALSE(before.has_value());
        BanditPosterior p;
        p.dimension = 2;
        p.mean = {0.1, 1.0 / 3.0};
        p.covariance = {1, 0.25, 0.25, 2.0 / 3.0};
        p.observations = 1;
        return p;
      },
      kAt);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->version, 1);
  auto second = store.update_posterior(
      "call",
      [](std::optional<BanditPosterior> before) {
        EXPECT_TRUE(before.has_value());
        BanditPosterior p = *before;
        ++p.observations;
        return p;
      },
      kAt);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->version, 2);
  auto all = store.posteriors();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].mean[1], 1.0 / 3.0);  // exact through JSON
  EXPECT_EQ((*all)[0].covariance[3], 2.0 / 3.0);
  EXPECT_EQ((*all)[0].observations, 2);
  auto bad = store.update_posterior(
      "email",
      [](std::optional<BanditPosterior>) {
        BanditPosterior p;
        p.dimension = 2;
        return p;
      },
      kAt);
  EXPECT_FALSE(bad.ok());
}

TEST_P(DecisionStoreTest, DoubleParametersBindExactly) {
  auto lease = db().lease();
  ASSERT_TRUE(lease.ok());
  auto rows = query_rows(**lease, "SELECT CAST(:p0 AS DOUBLE PRECISION) * 3",
                         {SqlValue::real(1.0 / 3.0)}, 1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NEAR(cell_double(rows[0][0]), 1.0, 1e-14);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(DecisionStoreTest);

}  // namespace
}  // namespace icrm::store
