// The decision service against real records on both engines: a decision and
// its activity (owner, due time in working hours), the reasons, nurture when
// every step loses money, no duplicate steps under concurrent triggers and
// score messages, outcomes updating the persisted bandit, settings limits.
#include "app/decision_service.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <thread>

#include "app/batch_decide.h"
#include "app/outcome_sweeper.h"
#include "app/score_subscriber.h"
#include "decide/working_hours.h"
#include "store/activity_store.h"
#include "store/decision_store.h"
#include "store/event_store.h"
#include "store/lead_store.h"
#include "store/model_registry.h"
#include "store/score_store.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::app {
namespace {

using decide::Action;
using decide::BanditChoice;
using decide::DecisionContext;
using decide::DecisionSettings;
using decide::DecisionTrigger;
using decide::index;
using decide::kDesignPrefix;
using decide::LeadFeatureSpec;
using decide::LeadSignals;
using decide::logged_design;
using decide::OutcomeKind;
using decide::parse_action;
using decide::ThresholdMode;
using decide::Tier;

// A Monday, 10:00 UTC.
const Timestamp kMonday10 = *parse_timestamp("2026-11-23T10:00:00Z");

class DecisionServiceTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    testing::StoreTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    model_id_ = testing::add_lead_model(db());
  }
  int64_t lead(double score, double probability, std::optional<int64_t> owner = std::nullopt,
               std::optional<int64_t> value_minor = 500000) {
    store::Lead l;
    l.name = "Lead " + std::to_string(++serial_);
    l.owner_id = owner;
    l.expected_value_minor = value_minor;
    int64_t id = store::LeadStore(db(), clock_).create(store::Actor::system(), l)->id;
    score_lead(id, score, probability);
    return id;
  }
  void score_lead(int64_t id, double score, double probability) {
    store::ScoreRecord s;
    s.entity = "leads";
    s.entity_id = id;
    s.model_id = model_id_;
    s.score = score;
    s.probability = probability;
    s.rank = ++serial_;
    s.tier = score > 0.7 ? "hot" : score > 0.4 ? "warm" : "cold";
    s.scored_at = clock_.now();
    EXPECT_TRUE(store::ScoreStore(db()).record(std::span(&s, 1)).ok());
  }
  std::string score_message(int64_t lead_id) {
    return boost::json::serialize(boost::json::object{{"lead_id", lead_id},
                                                      {"model_id", model_id_},
                                                      {"probability", 0.6},
                                                      {"score", 0.8},
                                                      {"rank", 1},
                                                      {"tier", "hot"},
                                                      {"previous_tier", nullptr},
                                                      {"ts", "2026-11-23T10:00:00.000000Z"}});
  }
  // Appends `n` events of `type` for lead:id at time t.
  void events(int64_t lead_id, const std::string& type, int n, Timestamp t) {
    std::vector<store::LoggedEvent> rows;
    for (int k = 0; k < n; ++k) {
      store::LoggedEvent e;
      e.key = static_cast<uint64_t>(++event_key_);
      e.entity = "lead:" + std::to_string(lead_id);
      e.type = type;
      e.ts = t;
      e.received_at = t;
      rows.push_back(e);
    }
    ASSERT_TRUE(store::EventStore(db()).append(rows).ok());
  }
  ManualClock clock_{kMonday10};
  int64_t event_key_ = 0;
  int64_t model_id_ = 0;
  int serial_ = 0;
};

TEST_P(DecisionServiceTest, DecidesAndCreatesTheRecommendedStepForTheOwnerDueInWorkingHours) {
  int64_t owner = testing::add_user(db(), "owner@example.com");
  int64_t id = lead(0.85, 0.6, owner);
  EventBus bus;
  std::vector<std::string> published;
  bus.subscribe([&](const BusMessage& m) {
    if (m.topic == "decision") published.push_back(m.data);
  });
  DecisionService service(db(), clock_, &bus, 7);
  auto d = service.decide(id, DecisionTrigger::kOnDemand);
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(d->tier, "high");
  EXPECT_EQ(d->theta, 0.7);
  EXPECT_EQ(d->threshold_mode, "admin");
  EXPECT_EQ(d->deal_value, 5000);
  EXPECT_NE(d->why.find("S=0.8500 > θ=0.7000"), std::string::npos) << d->why;
  EXPECT_NE(d->why.find("U=P·V−C"), std::string::npos) << d->why;
  double total = 0;
  for (double p : d->probabilities) total += p;
  EXPECT_NEAR(total, 1.0, 1e-12);
  auto chosen = parse_action(d->action);
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(d->propensity, d->probabilities[index(*chosen)]);
  ASSERT_TRUE(d->activity_id.has_value());
  auto step = store::ActivityStore(db(), clock_).get(*d->activity_id);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(store::to_string(step->kind), d->action);
  EXPECT_EQ(step->owner_id, owner);
  EXPECT_TRUE(step->created_by_system);
  // High: within 4 working hours of Monday 10:00 → Monday 14:00.
  EXPECT_EQ(step->due_at, *parse_timestamp("2026-11-23T14:00:00Z"));
  ASSERT_EQ(published.size(), 1u);
  auto message = boost::json::parse(published[0]).as_object();
  EXPECT_EQ(message.at("decision_id").as_int64(), d->id);
  EXPECT_EQ(message.at("lead_id").as_int64(), id);

  // A second decision while the step is open is a conflict, and nothing is stored.
  auto again = service.decide(id, DecisionTrigger::kOnDemand);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(testing::count_rows(db(), "decisions"), 1);
  EXPECT_EQ(published.size(), 1u);
}

TEST_P(DecisionServiceTest, UnownedLeadGoesToTheRepWithTheMostFreeCapacity) {
  int64_t busy = testing::add_user(db(), "busy@example.com");
  int64_t free_rep = testing::add_user(db(), "free@example.com");
  testing::add_user(db(), "manager@example.com", "manager");
  // The busy rep already has an open task.
  store::Activity task;
  task.subject = "Something";
  task.owner_id = busy;
  task.lead_id = lead(0.1, 0.1, busy);
  ASSERT_TRUE(store::ActivityStore(db(), clock_).create(store::Actor::system(), task).ok());
  DecisionService service(db(), clock_, nullptr, 1);
  auto d = service.decide(lead(0.5, 0.3), DecisionTrigger::kBatch);
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(d->tier, "medium");
  auto step = store::ActivityStore(db(), clock_).get(*d->activity_id);
  EXPECT_EQ(step->owner_id, free_rep);
  // Medium: 16 working hours from Monday 10:00 → Wednesday 10:00.
  EXPECT_EQ(step->due_at, *parse_timestamp("2026-11-25T10:00:00Z"));
}

TEST_P(DecisionServiceTest, EveryStepLosingMoneyMeansNurture) {
  DecisionService service(db(), clock_, nullptr, 1);
  // V = 1.00: every active step costs more than it can earn.
  auto d = service.decide(lead(0.9, 0.5, std::nullopt, 100), DecisionTrigger::kOnDemand);
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(d->action, "nurture");
  EXPECT_EQ(d->policy, "utility");
  EXPECT_EQ(d->propensity, 1.0);
  EXPECT_LT(d->utility[0], 0);
  EXPECT_LT(d->utility[1], 0);
  EXPECT_LT(d->utility[2], 0);
  EXPECT_NE(d->why.find("negative utility"), std::string::npos);
}

TEST_P(DecisionServiceTest, UnscoredOrClosedLeadsAreConflicts) {
  store::Lead l;
  l.name = "Unscored";
  int64_t unscored = store::LeadStore(db(), clock_).create(store::Actor::system(), l)->id;
  DecisionService service(db(), clock_, nullptr, 1);
  EXPECT_EQ(service.decide(unscored, DecisionTrigger::kOnDemand).error().code,
            ErrorCode::kConflict);
  int64_t won = lead(0.9, 0.9);
  store::LeadStore leads(db(), clock_);
  ASSERT_TRUE(leads.transition(store::Actor::system(), won, store::LeadStatus::kContacted).ok());
  ASSERT_TRUE(leads.transition(store::Actor::system(), won, store::LeadStatus::kLost).ok());
  EXPECT_EQ(service.decide(won, DecisionTrigger::kOnDemand).error().code, ErrorCode::kConflict);
  EXPECT_EQ(service.decide(999999, DecisionTrigger::kOnDemand).error().code, ErrorCode::kNotFound);
}

TEST_P(DecisionServiceTest, ConcurrentTriggersForOneLeadCreateOneStep) {
  int64_t id = lead(0.8, 0.5);
  DecisionService service(db(), clock_, nullptr, 3);
  constexpr int kThreads = 6;
  std::atomic<int> ok{0}, conflict{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto r = service.decide(id, DecisionTrigger::kScoreEvent);
      if (r.ok())
        ++ok;
      else if (r.error().code == ErrorCode::kConflict)
        ++conflict;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), kThreads - 1);
  EXPECT_EQ(testing::count_rows(db(), "activities", "status = 'open'"), 1);
}

TEST_P(DecisionServiceTest, ScoreMessagesOnTheBusTriggerOneDecisionPerLead) {
  int64_t a = lead(0.8, 0.5), b = lead(0.3, 0.1);
  EventBus bus;
  DecisionService service(db(), clock_, &bus, 5);
  ScoreSubscriber subscriber(bus, service);
  // The same lead re-scored three times in a burst, from several threads.
  std::vector<std::thread> publishers;
  for (int i = 0; i < 3; ++i) {
    publishers.emplace_back([&] { bus.publish({"score", score_message(a)}); });
  }
  for (auto& t : publishers) t.join();
  bus.publish({"score", score_message(b)});
  bus.publish({"score", R"({"lead_id":"x","tier":"hot"})"});
  bus.publish({"alert", score_message(b)});  // another topic: ignored
  subscriber.wait_idle();
  auto c = subscriber.counters();
  EXPECT_EQ(c.decided, 2u);
  EXPECT_EQ(c.skipped, 2u);
  EXPECT_EQ(c.malformed, 1u);
  EXPECT_EQ(c.failed, 0u);
  EXPECT_EQ(testing::count_rows(db(), "decisions", "triggered_by = 'score_event'"), 2);
  EXPECT_EQ(
      testing::count_rows(db(), "activities", "status = 'open' AND lead_id = " + std::to_string(a)),
      1);
}

TEST_P(DecisionServiceTest, OutcomesAreStoredOnceAndTeachThePersistedBandit) {
  DecisionService service(db(), clock_, nullptr, 11);
  auto d = service.decide(lead(0.8, 0.5), DecisionTrigger::kOnDemand);
  ASSERT_TRUE(d.ok());
  auto settings = service.settings();
  int64_t before = -1;
  ASSERT_TRUE(service.load_bandit(*settings, &before).ok());
  EXPECT_EQ(before, 0);
  auto logged = logged_design(*d);
  ASSERT_TRUE(logged.has_value());
  const std::vector<double>& x = logged->x;
  double logit_before =
      service.load_bandit(*settings)->model(*parse_action(d->action)).logit_mean(x);

  auto done = service.record_outcome(d->id, OutcomeKind::kConverted, std::nullopt, "api");
  ASSERT_TRUE(done.ok()) << done.error().to_string();
  EXPECT_EQ(done->outcome, "converted");
  EXPECT_EQ(done->reward, 1.0);
  int64_t after = 0;
  auto bandit = service.load_bandit(*settings, &after);
  EXPECT_EQ(after, 1);
  EXPECT_GT(bandit->model(*parse_action(d->action)).logit_mean(x), logit_before)
      << "a conversion raises the chosen action's estimate for this lead";
  auto twice = service.record_outcome(d->id, OutcomeKind::kNoConversion, std::nullopt, "api");
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(service.record_outcome(d->id + 100, OutcomeKind::kConverted, std::nullopt, "api")
                .error()
                .code,
            ErrorCode::kNotFound);
}

TEST_P(DecisionServiceTest, RejectCancelsTheStepAndCompleteMarksItDone) {
  int64_t rep = testing::add_user(db(), "rep@example.com");
  DecisionService service(db(), clock_, nullptr, 2);
  auto d = service.decide(lead(0.8, 0.5, rep), DecisionTrigger::kOnDemand);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(service.reject(store::Actor::user(rep), d->id, "").error().field, "reason");
  EXPECT_EQ(service
                .reject(store::Actor::user(rep), d->id,
                        std::string(store::kMaxRejectReasonLength + 1, 'x'))
                .error()
                .code,
            ErrorCode::kTooLarge);
  auto rejected = service.reject(store::Actor::user(rep), d->id,
                                 std::string(store::kMaxRejectReasonLength, 'x'));
  ASSERT_TRUE(rejected.ok()) << rejected.error().to_string();
  EXPECT_EQ(rejected->outcome, "rejected");
  EXPECT_EQ(store::ActivityStore(db(), clock_).get(*d->activity_id)->status,
            store::ActivityStatus::kCancelled);

  auto next = service.decide(lead(0.8, 0.5, rep), DecisionTrigger::kOnDemand);
  ASSERT_TRUE(next.ok());
  auto completed = service.complete(store::Actor::user(rep), next->id);
  ASSERT_TRUE(completed.ok()) << completed.error().to_string();
  EXPECT_TRUE(completed->accepted_at.has_value());
  EXPECT_FALSE(completed->outcome.has_value());
  EXPECT_EQ(store::ActivityStore(db(), clock_).get(*next->activity_id)->status,
            store::ActivityStatus::kDone);
}

TEST_P(DecisionServiceTest, OutcomesAreInferredFromTheRecordsWithinTheHorizon) {
  DecisionService service(db(), clock_, nullptr, 2);
  int64_t quiet = lead(0.8, 0.5), converts = lead(0.8, 0.5), replies = lead(0.8, 0.5);
  auto d_quiet = service.decide(quiet, DecisionTrigger::kOnDemand);
  auto d_converts = service.decide(converts, DecisionTrigger::kOnDemand);
  auto d_replies = service.decide(replies, DecisionTrigger::kOnDemand);
  ASSERT_TRUE(d_quiet.ok() && d_converts.ok() && d_replies.ok());
  clock_.advance(std::chrono::days(3));
  store::LeadStore leads(db(), clock_);
  ASSERT_TRUE(
      leads.transition(store::Actor::system(), converts, store::LeadStatus::kContacted).ok());
  ASSERT_TRUE(
      leads.transition(store::Actor::system(), converts, store::LeadStatus::kQualified).ok());
  ASSERT_TRUE(leads.convert(store::Actor::system(), converts).ok());
  {
    auto lease = db().lease();
    std::string ts = format_timestamp(clock_.now());
    **lease << "INSERT INTO communications (lead_id, direction, channel, occurred_at, created_at) "
               "VALUES (:l, "
               "'in', 'email', :t, :c)",
        soci::use(replies), soci::use(ts), soci::use(ts);
  }
  EXPECT_EQ(*service.infer_outcomes(), 1) << "the conversion counts at once";
  EXPECT_EQ(store::DecisionStore(db()).get(d_converts->id)->outcome, "converted");
  EXPECT_EQ(store::DecisionStore(db()).get(d_converts->id)->outcome_source, "event");
  clock_.advance(std::chrono::days(26));
  EXPECT_EQ(*service.infer_outcomes(), 0) << "29 days: still within the 30-day horizon";
  clock_.advance(std::chrono::days(2));
  EXPECT_EQ(*service.infer_outcomes(), 2);
  EXPECT_EQ(store::DecisionStore(db()).get(d_quiet->id)->outcome, "no_conversion");
  EXPECT_EQ(store::DecisionStore(db()).get(d_replies->id)->outcome, "engaged");
  EXPECT_EQ(store::DecisionStore(db()).get(d_replies->id)->reward, 0.5);
  auto labels = service.labelled_decisions();
  ASSERT_TRUE(labels.ok());
  ASSERT_EQ(labels->size(), 3u);
  EXPECT_TRUE(validate_log(*labels).ok());
  int64_t outcomes = 0;
  ASSERT_TRUE(service.load_bandit(*service.settings(), &outcomes).ok());
  EXPECT_EQ(outcomes, 3);
}

// serve's sweeper (outcome_sweeper.h): it sweeps on the injected clock only,
// and a decision past its horizon gets its negative label without anyone
// running `insightcrm decide`. Time is driven by hand.
TEST_P(DecisionServiceTest, OutcomeSweeperLabelsExpiredDecisionsOnTheInjectedClock) {
  DecisionService service(db(), clock_, nullptr, 5);
  int64_t quiet = lead(0.8, 0.5), converts = lead(0.8, 0.5);
  auto d_quiet = service.decide(quiet, DecisionTrigger::kOnDemand);
  auto d_converts = service.decide(converts, DecisionTrigger::kOnDemand);
  ASSERT_TRUE(d_quiet.ok() && d_converts.ok());
  OutcomeSweeper sweeper(service, clock_, {.interval = std::chrono::hours(1)});
  EXPECT_EQ(*sweeper.tick(), 0) << "the first sweep finds nothing to label yet";
  EXPECT_EQ(sweeper.counters().sweeps, 1u);

  clock_.advance(std::chrono::days(2));
  store::LeadStore leads(db(), clock_);
  ASSERT_TRUE(
      leads.transition(store::Actor::system(), converts, store::LeadStatus::kContacted).ok());
  ASSERT_TRUE(
      leads.transition(store::Actor::system(), converts, store::LeadStatus::kQualified).ok());
  ASSERT_TRUE(leads.convert(store::Actor::system(), converts).ok());
  EXPECT_EQ(*sweeper.tick(), 1) << "an hour has passed: a sweep, and the conversion counts at once";
  EXPECT_EQ(store::DecisionStore(db()).get(d_converts->id)->outcome, "converted");
  clock_.advance(std::chrono::minutes(59));
  EXPECT_EQ(*sweeper.tick(), 0);
  EXPECT_EQ(sweeper.counters().sweeps, 2u) << "59 minutes later no sweep is due";

  clock_.advance(std::chrono::days(27) +
                 std::chrono::hours(23));  // 29 days 23 h 59 min after the decision
  EXPECT_EQ(*sweeper.tick(), 0) << "still inside the 30-day horizon";
  EXPECT_FALSE(store::DecisionStore(db()).get(d_quiet->id)->outcome.has_value());
  clock_.advance(std::chrono::hours(1));
  EXPECT_EQ(*sweeper.tick(), 1);
  auto expired = store::DecisionStore(db()).get(d_quiet->id);
  EXPECT_EQ(expired->outcome, "no_conversion");
  EXPECT_EQ(expired->outcome_source, "horizon");
  EXPECT_EQ(expired->reward, 0.0);
  EXPECT_EQ(sweeper.counters().labelled, 2u);
  EXPECT_EQ(sweeper.counters().failed, 0u);
  int64_t outcomes = 0;
  ASSERT_TRUE(service.load_bandit(*service.settings(), &outcomes).ok());
  EXPECT_EQ(outcomes, 2) << "each label taught the bandit";
}

TEST_P(DecisionServiceTest, CapacityModeMakesAsManyHighLeadsAsRepsCanCall) {
  testing::add_user(db(), "r1@example.com");
  testing::add_user(db(), "r2@example.com");
  DecisionSettings s;
  s.mode = ThresholdMode::kCapacity;
  s.calls_per_rep_per_day = 2;  // 2 reps × 2 = 4 High
  s.follow_ups_per_rep_per_day = 3;
  DecisionService service(db(), clock_, nullptr, 2);
  ASSERT_TRUE(service.save_settings(store::Actor::system(), s).ok());
  for (int i = 0; i < 20; ++i) lead(0.01 + i * 0.049, 0.3);
  auto t = service.thresholds(*service.settings());
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  int high = 0;
  for (int i = 0; i < 20; ++i) high += tier_of(0.01 + i * 0.049, t->thresholds) == Tier::kHigh;
  EXPECT_EQ(high, 4);
  EXPECT_NE(t->basis.find("2 reps"), std::string::npos) << t->basis;
}

// The live bandit decides on the lead's own features, not only its score and
// tier, and logs them in the spec's order with their names.
TEST_P(DecisionServiceTest, LiveDecisionLogsTheLeadsOwnFeaturesInTheSpecsOrder) {
  clock_.set(kMonday10 - std::chrono::days(15));
  store::Lead l;
  l.name = "Featured";
  l.source = "Referral";
  l.attributes = boost::json::object{{"employees", 300}};
  l.expected_value_minor = 500000;
  int64_t id = store::LeadStore(db(), clock_).create(store::Actor::system(), l)->id;
  clock_.set(kMonday10);
  score_lead(id, 0.5, 0.3);
  events(id, "page_view", 3, kMonday10 - std::chrono::days(6));
  events(id, "email_click", 1, kMonday10 - std::chrono::days(12));
  events(id, "page_view", 5, kMonday10 - std::chrono::days(40));   // outside the 30-day window
  events(id + 1, "meeting", 1, kMonday10 - std::chrono::days(1));  // another lead's

  DecisionService service(db(), clock_, nullptr, 3);
  auto d = service.decide(id, DecisionTrigger::kOnDemand);
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  auto logged = logged_design(*d);
  ASSERT_TRUE(logged.has_value()) << d->context;
  EXPECT_EQ(logged->names, LeadFeatureSpec::standard().design_names());
  std::map<std::string, double> x;
  for (std::size_t i = 0; i < logged->names.size(); ++i) x[logged->names[i]] = logged->x[i];
  EXPECT_NEAR(x["logit_p"], std::log(0.3 / 0.7), 1e-12);
  EXPECT_EQ(x["tier_medium"], 1);
  EXPECT_EQ(x["source_referral"], 1);
  EXPECT_EQ(x["source_web"], 0);
  EXPECT_NEAR(x["log10_employees"], 1.0, 1e-12);
  EXPECT_NEAR(x["page_views_30d"], std::log(4.0), 1e-12);
  EXPECT_NEAR(x["email_clicks_30d"], std::log(2.0), 1e-12);
  EXPECT_EQ(x["meeting_30d"], 0);
  EXPECT_NEAR(x["age_months"], 0.5, 1e-9);
  EXPECT_NEAR(x["quiet_30d"], 0.2, 1e-9);
  auto features = service.lead_features(*store::LeadStore(db(), clock_).get(id));
  ASSERT_TRUE(features.ok());
  EXPECT_EQ(std::vector<double>(logged->x.begin() + kDesignPrefix, logged->x.end()), *features);

  // The feedback loop reads the same features back.
  ASSERT_TRUE(service.record_outcome(d->id, OutcomeKind::kConverted, std::nullopt, "api").ok());
  auto labels = service.labelled_decisions();
  ASSERT_TRUE(labels.ok());
  ASSERT_EQ(labels->size(), 1u);
  EXPECT_EQ((*labels)[0].context.features, *features);
}

// A planted problem through the service: referral leads convert when called,
// cold leads when e-mailed, whatever the action otherwise; same score and
// tier for all. Only the source tells them apart, so a bandit that learns
// the right step for each has learned from the lead's features.
TEST_P(DecisionServiceTest, BanditLearnsAnActionPreferenceThatDependsOnALeadFeature) {
  DecisionService service(db(), clock_, nullptr, 21);
  Rng luck(99);
  auto decide_one = [&](const char* source) -> std::optional<store::DecisionRecord> {
    store::Lead l;
    l.name = std::string(source) + " lead " + std::to_string(++serial_);
    l.source = source;
    l.expected_value_minor = 500000;
    int64_t id = store::LeadStore(db(), clock_).create(store::Actor::system(), l)->id;
    score_lead(id, 0.5, 0.3);
    auto d = service.decide(id, DecisionTrigger::kBatch);
    EXPECT_TRUE(d.ok()) << d.error().to_string();
    if (!d) return std::nullopt;
    return *d;
  };
  auto planted = [](std::string_view source, std::string_view action) {
    const bool right =
        (source == "referral" && action == "call") || (source == "cold" && action == "email");
    return right ? 0.7 : 0.1;
  };
  for (int round = 0; round < 120; ++round) {
    for (const char* source : {"referral", "cold"}) {
      auto d = decide_one(source);
      ASSERT_TRUE(d.has_value());
      const bool converted = luck.uniform() < planted(source, d->action);
      ASSERT_TRUE(service
                      .record_outcome(
                          d->id, converted ? OutcomeKind::kConverted : OutcomeKind::kNoConversion,
                          std::nullopt, "api")
                      .ok());
    }
  }
  auto bandit = service.load_bandit(*service.settings());
  ASSERT_TRUE(bandit.ok());
  auto context = [&](const char* source) {
    LeadSignals s;
    s.source = source;
    s.days_since_last_event = std::nullopt;
    return DecisionContext{0.3, Tier::kMedium, 5000, service.features().encode(s)};
  };
  Rng rng(1);
  const BanditChoice referral = bandit->choose(context("referral"), rng);
  const BanditChoice cold = bandit->choose(context("cold"), rng);
  EXPECT_GT(referral.probabilities[index(Action::kCall)], 0.5) << "referral leads: call";
  EXPECT_GT(cold.probabilities[index(Action::kEmail)], 0.5) << "cold leads: e-mail";
  EXPECT_GT(referral.mean_probability[index(Action::kCall)],
            referral.mean_probability[index(Action::kEmail)]);
  EXPECT_GT(cold.mean_probability[index(Action::kEmail)],
            cold.mean_probability[index(Action::kCall)]);
}

// Another feature set (here another source vocabulary: same dimension,
// other names) never reuses posteriors learned on the old one: the bandit
// starts from its prior and says so, outcomes of decisions logged under the
// old set are kept but not learned, and the first new outcome replaces the
// stored posterior with one for the new names.
TEST_P(DecisionServiceTest, AChangedFeatureSetIsDetectedAndTheBanditRestartsFromItsPrior) {
  DecisionService before(db(), clock_, nullptr, 4);
  auto old = before.decide(lead(0.8, 0.5), DecisionTrigger::kOnDemand);
  ASSERT_TRUE(old.ok());
  ASSERT_TRUE(before.record_outcome(old->id, OutcomeKind::kConverted, std::nullopt, "api").ok());
  auto pending = before.decide(lead(0.8, 0.5), DecisionTrigger::kOnDemand);
  ASSERT_TRUE(pending.ok());
  std::string reset;
  int64_t seen = 0;
  ASSERT_TRUE(before.load_bandit(*before.settings(), &seen, &reset).ok());
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(reset, "");

  const LeadFeatureSpec renamed({"web", "ads", "partner", "event", "cold"});
  ASSERT_EQ(renamed.size(), LeadFeatureSpec::standard().size())
      << "same dimension: only the names tell";
  DecisionService after(db(), clock_, nullptr, 4, renamed);
  auto bandit = after.load_bandit(*after.settings(), &seen, &reset);
  ASSERT_TRUE(bandit.ok());
  EXPECT_EQ(seen, 0);
  EXPECT_EQ(bandit->observations(), 0u);
  EXPECT_NE(reset.find("another feature set"), std::string::npos) << reset;
  EXPECT_NE(reset.find(old->action), std::string::npos) << reset;
  auto d = after.decide(lead(0.8, 0.5), DecisionTrigger::kOnDemand);
  ASSERT_TRUE(d.ok());
  EXPECT_NE(d->why.find("another feature set"), std::string::npos) << d->why;
  EXPECT_EQ(logged_design(*d)->names, renamed.design_names());

  // The decision made under the old names: its outcome is stored, not learned.
  ASSERT_TRUE(after.record_outcome(pending->id, OutcomeKind::kConverted, std::nullopt, "api").ok());
  EXPECT_EQ(store::DecisionStore(db()).get(pending->id)->outcome, "converted");
  ASSERT_TRUE(after.load_bandit(*after.settings(), &seen).ok());
  EXPECT_EQ(seen, 0);
  std::size_t other = 0;
  EXPECT_EQ(after.labelled_decisions(&other)->size(), 0u);
  EXPECT_EQ(other, 2u) << "both old decisions are left out of the new design's log";

  // One under the new names: learned, from the prior, and stored with the names.
  ASSERT_TRUE(after.record_outcome(d->id, OutcomeKind::kNoConversion, std::nullopt, "api").ok());
  ASSERT_TRUE(after.load_bandit(*after.settings(), &seen, &reset).ok());
  EXPECT_EQ(seen, 1);
  auto stored = store::DecisionStore(db()).posteriors();
  ASSERT_TRUE(stored.ok());
  for (const auto& p : *stored) {
    if (p.action == d->action) {
      EXPECT_EQ(p.features, renamed.design_names());
    }
  }
  // A different dimension is caught the same way (the old service reads the new rows).
  DecisionService smaller(db(), clock_, nullptr, 4, LeadFeatureSpec({"web"}));
  ASSERT_TRUE(smaller.load_bandit(*smaller.settings(), &seen, &reset).ok());
  EXPECT_EQ(seen, 0);
  EXPECT_NE(reset.find("d=" + std::to_string(renamed.design_names().size())), std::string::npos)
      << reset;
}

TEST_P(DecisionServiceTest, BatchDecidesEveryOpenScoredLeadOnceAndLeavesOpenStepsAlone) {
  testing::add_user(db(), "rep@example.com");
  int64_t decided = lead(0.85, 0.6);
  lead(0.5, 0.3);
  DecisionService service(db(), clock_, nullptr, 11);
  ASSERT_TRUE(service.decide(decided, DecisionTrigger::kOnDemand).ok());
  std::vector<std::string> stages;
  auto batch = decide_open_leads(
      db(), service, [&](std::string_view stage, std::size_t done, std::size_t total) {
        stages.push_back(std::string(stage) + " " + std::to_string(done) + "/" +
                         std::to_string(total));
      });
  ASSERT_TRUE(batch.ok()) << batch.error().to_string();
  EXPECT_EQ(batch->open_leads, 2u);
  EXPECT_EQ(batch->decided, 1u);
  EXPECT_EQ(batch->left_alone, 1u) << "the lead decided on demand has its step open";
  std::size_t by_action = 0;
  for (const auto& [action, n] : batch->by_action) by_action += n;
  EXPECT_EQ(by_action, 1u);
  EXPECT_EQ(testing::count_rows(db(), "decisions"), 2);
  ASSERT_FALSE(stages.empty());
  EXPECT_EQ(stages.front(), "inferring outcomes of pending decisions 0/0");
  EXPECT_EQ(stages.back(), "deciding 2/2");

  // Again: both leads have an open step now, and no progress callback is needed.
  auto again = decide_open_leads(db(), service);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(again->decided, 0u);
  EXPECT_EQ(again->left_alone, 2u);
  EXPECT_EQ(testing::count_rows(db(), "decisions"), 2);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(DecisionServiceTest);

}  // namespace
}  // namespace icrm::app
