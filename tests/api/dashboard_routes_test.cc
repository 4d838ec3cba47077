// /api/v1/kpis and /api/v1/lead-ranking through the whole router, on both
// engines: every figure against counts made by hand from the records the
// test wrote, a rep's narrower view, the period bounds, rank order with
// filters and paging, and each parameter one past its limit.
#include "api/dashboard_routes.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "api/limits.h"
#include "store/activity_store.h"
#include "store/communication_store.h"
#include "store/dashboard_store.h"
#include "store/model_registry.h"
#include "store/score_store.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using boost::json::object;
using testing::Principal;

Timestamp at(const char* iso) { return *parse_timestamp(iso); }

class DashboardRoutesTest : public testing::ApiTest {
 protected:
  // A lead created at `when` (the server stamps created_at from its clock).
  int64_t lead_at(const char* when, const std::string& name, const std::string& source,
                  std::optional<int64_t> owner) {
    clock().set(at(when));
    std::string body = R"({"name":")" + name + R"(","source":")" + source + R"(")";
    if (owner) body += R"(,"owner_id":)" + std::to_string(*owner);
    return create("/api/v1/leads", body + "}");
  }
  void move(int64_t lead, const std::vector<std::string>& statuses) {
    for (const auto& s : statuses) {
      auto r = post(Principal::kAdmin, "/api/v1/leads/" + std::to_string(lead) + "/status",
                    R"({"status":")" + s + R"("})");
      ASSERT_EQ(r.status, 200) << r.body;
    }
  }
  void sale(const char* when, int64_t quantity, int64_t unit_minor, const char* currency = "EUR") {
    create("/api/v1/transactions", R"({"quantity":)" + std::to_string(quantity) +
                                       R"(,"unit_price_minor":)" + std::to_string(unit_minor) +
                                       R"(,"currency":")" + currency + R"(","occurred_at":")" +
                                       when + R"("})");
  }
  int64_t model() {
    store::ModelRecord m;
    m.entity = "leads";
    m.target = "converted";
    m.kind = "lr";
    m.metrics = object{};
    m.bundle = "{}";
    m.feature_spec = object{};
    auto r = store::ModelRegistry(db(), clock()).register_model(store::Actor::system(), m, true);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->id : 0;
  }
  void score(int64_t model_id, int64_t lead, double p, int64_t rank, const char* tier) {
    store::ScoreRecord s{.entity = "leads",
                         .entity_id = lead,
                         .model_id = model_id,
                         .score = p,
                         .probability = p,
                         .rank = rank,
                         .tier = tier,
                         .factors = boost::json::array{object{{"column", "meetings_done"},
                                                              {"text", "meetings_done=1 +0.9"}}},
                         .scored_at = clock().now()};
    ASSERT_TRUE(store::ScoreStore(db()).record({&s, 1}));
  }
  object kpis(Principal as, const std::string& query = "") {
    auto r = get(as, "/api/v1/kpis" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }
  std::vector<int64_t> ids(const object& page) {
    std::vector<int64_t> out;
    for (const auto& item : page.at("items").as_array()) out.push_back(item.at("id").as_int64());
    return out;
  }
};

TEST_P(DashboardRoutesTest, KpisCountWhatTheRecordsHold) {
  int64_t rep = user_id(Principal::kRep);
  int64_t manager = user_id(Principal::kManager);
  int64_t a = lead_at("2026-09-03T10:00:00Z", "A", "web", rep);
  int64_t b = lead_at("2026-09-20T10:00:00Z", "B", "web", manager);
  int64_t c = lead_at("2026-10-05T10:00:00Z", "C", "referral", std::nullopt);
  lead_at("2026-10-06T10:00:00Z", "D", "web", manager);
  move(a, {"contacted", "qualified", "converted"});
  move(b, {"contacted", "lost"});
  move(c, {"contacted"});
  sale("2026-09-10T10:00:00Z", 2, 5000);
  sale("2026-09-11T10:00:00Z", 1, 5000);
  sale("2026-10-01T10:00:00Z", -1, 2000);  // a return
  sale("2026-10-01T11:00:00Z", 1, 700, "USD");

  auto k = kpis(Principal::kManager);
  auto& status = k.at("leads_by_status").as_object();
  EXPECT_EQ(status.at("new").as_int64(), 1);
  EXPECT_EQ(status.at("contacted").as_int64(), 1);
  EXPECT_EQ(status.at("qualified").as_int64(), 0);
  EXPECT_EQ(status.at("converted").as_int64(), 1);
  EXPECT_EQ(status.at("lost").as_int64(), 1);
  EXPECT_EQ(k.at("leads_created").as_int64(), 4);
  EXPECT_EQ(
      boost::json::serialize(k.at("conversion_by_month")),
      R"([{"month":"2026-09","created":2,"converted":1},{"month":"2026-10","created":2,"converted":0}])");
  EXPECT_EQ(
      boost::json::serialize(k.at("conversion_by_source")),
      R"([{"source":"web","created":3,"converted":1},{"source":"referral","created":1,"converted":0}])");
  EXPECT_EQ(boost::json::serialize(k.at("revenue_by_month")),
            R"([{"month":"2026-09","currency":"EUR","amount_minor":15000,"lines":2},)"
            R"({"month":"2026-10","currency":"EUR","amount_minor":-2000,"lines":1},)"
            R"({"month":"2026-10","currency":"USD","amount_minor":700,"lines":1}])");
  // Converting lead A made its customer.
  EXPECT_EQ(k.at("customers_by_status").at("active").as_int64(), 1);
  EXPECT_EQ(k.at("customers_by_status").at("churned").as_int64(), 0);
  EXPECT_TRUE(k.at("mean_response_seconds").is_null());
  EXPECT_TRUE(k.at("response_by_month").as_array().empty());
  EXPECT_EQ(k.at("scored_leads").as_int64(), 0);

  // A rep counts their own lead (A) and the unassigned one (C) only.
  auto mine = kpis(Principal::kRep);
  EXPECT_EQ(mine.at("leads_created").as_int64(), 2);
  EXPECT_EQ(mine.at("leads_by_status").at("converted").as_int64(), 1);
  EXPECT_EQ(mine.at("leads_by_status").at("lost").as_int64(), 0);
  // Sales are not narrowed (every role reads them).
  EXPECT_EQ(mine.at("revenue_by_month").as_array().size(), 3u);

  // The period is [from, to) on each record's own time.
  auto october = kpis(Principal::kViewer, "?from=2026-10-01&to=2026-11-01");
  EXPECT_EQ(october.at("leads_created").as_int64(), 2);
  EXPECT_EQ(october.at("from").as_string(), "2026-10-01");
  EXPECT_EQ(boost::json::serialize(october.at("revenue_by_month")),
            R"([{"month":"2026-10","currency":"EUR","amount_minor":-2000,"lines":1},)"
            R"({"month":"2026-10","currency":"USD","amount_minor":700,"lines":1}])");
  EXPECT_EQ(kpis(Principal::kViewer, "?to=2026-09-20").at("leads_created").as_int64(), 1);
}

TEST_P(DashboardRoutesTest, KpisAverageAnsweredMessagesAndBinTheLatestScores) {
  int64_t a = lead_at("2026-11-01T09:00:00Z", "A", "web", std::nullopt);
  int64_t b = lead_at("2026-11-01T09:00:00Z", "B", "ads", user_id(Principal::kManager));
  store::CommunicationStore messages(db(), clock());
  auto message = [&](int64_t lead, store::Direction d, const char* when) {
    ASSERT_TRUE(messages.create(store::Actor::system(),
                                {.lead_id = lead, .direction = d, .occurred_at = at(when)}));
  };
  message(a, store::Direction::kIn, "2026-11-02T09:00:00Z");
  message(a, store::Direction::kOut, "2026-11-02T10:00:00Z");  // 3600 s
  message(b, store::Direction::kIn, "2026-11-02T09:00:00Z");
  message(b, store::Direction::kOut, "2026-11-02T12:00:00Z");  // 10800 s
  message(a, store::Direction::kIn, "2026-10-30T08:00:00Z");
  message(a, store::Direction::kOut, "2026-10-30T08:01:00Z");  // 60 s, in October
  int64_t m = model();
  score(m, a, 0.05, 2, "cold");
  score(m, b, 0.95, 1, "hot");

  auto k = kpis(Principal::kAdmin);
  EXPECT_EQ(k.at("answered_messages").as_int64(), 3);
  EXPECT_DOUBLE_EQ(k.at("mean_response_seconds").as_double(), (3600.0 + 10800.0 + 60.0) / 3);
  // Per month of the answer, oldest first.
  auto months = k.at("response_by_month").as_array();
  ASSERT_EQ(months.size(), 2u);
  EXPECT_EQ(months[0].at("month").as_string(), "2026-10");
  EXPECT_EQ(months[0].at("answered").as_int64(), 1);
  EXPECT_DOUBLE_EQ(months[0].at("mean_response_seconds").as_double(), 60.0);
  EXPECT_EQ(months[1].at("month").as_string(), "2026-11");
  EXPECT_EQ(months[1].at("answered").as_int64(), 2);
  EXPECT_DOUBLE_EQ(months[1].at("mean_response_seconds").as_double(), 7200.0);
  EXPECT_EQ(k.at("scored_leads").as_int64(), 2);
  auto bins = k.at("score_distribution").as_array();
  ASSERT_EQ(bins.size(), 10u);
  EXPECT_EQ(bins[0].at("count").as_int64(), 1);
  EXPECT_EQ(bins[9].at("count").as_int64(), 1);
  EXPECT_EQ(k.at("leads_by_tier").at("hot").as_int64(), 1);
  EXPECT_EQ(k.at("leads_by_tier").at("warm").as_int64(), 0);
  // The rep does not see B (the manager's) in the distribution.
  EXPECT_EQ(kpis(Principal::kRep).at("scored_leads").as_int64(), 1);
  // Messages outside the period are not averaged.
  auto later = kpis(Principal::kAdmin, "?from=2026-11-03");
  EXPECT_TRUE(later.at("mean_response_seconds").is_null());
  EXPECT_TRUE(later.at("response_by_month").as_array().empty());
  EXPECT_EQ(kpis(Principal::kAdmin, "?from=2026-11-01").at("response_by_month").as_array().size(),
            1u);
}

TEST_P(DashboardRoutesTest, RankingPutsScoredLeadsFirstByRankWithFiltersAndPages) {
  int64_t rep = user_id(Principal::kRep);
  int64_t a = lead_at("2026-11-01T09:00:00Z", "Anna Alpha", "web", rep);
  int64_t b = lead_at("2026-11-01T09:00:00Z", "Bert Beta", "ads", user_id(Principal::kManager));
  int64_t c = lead_at("2026-11-01T09:00:00Z", "Cleo Gamma", "web", std::nullopt);
  int64_t d = lead_at("2026-11-01T09:00:00Z", "Dora Delta", "web", rep);  // never scored
  int64_t m = model();
  score(m, a, 0.4, 3, "warm");
  score(m, b, 0.9, 1, "hot");
  score(m, c, 0.6, 2, "hot");

  auto all = json(get(Principal::kViewer, "/api/v1/lead-ranking"));
  EXPECT_EQ(ids(all), (std::vector<int64_t>{b, c, a, d}));
  EXPECT_EQ(all.at("total").as_int64(), 4);
  auto first = all.at("items").as_array()[0].as_object();
  EXPECT_EQ(first.at("score").at("tier").as_string(), "hot");
  EXPECT_EQ(first.at("score").at("factors").as_array()[0].at("column").as_string(),
            "meetings_done");
  EXPECT_TRUE(all.at("items").as_array()[3].at("score").is_null());

  // Last activity: the latest message or completed activity (open and
  // cancelled ones are not activity that happened).
  auto last_of = [&](int64_t lead) -> boost::json::value {
    auto page = json(get(Principal::kAdmin, "/api/v1/lead-ranking"));
    for (const auto& item : page.at("items").as_array())
      if (item.at("id").as_int64() == lead) return item.at("last_activity_at");
    return "missing";
  };
  EXPECT_TRUE(last_of(a).is_null());
  store::CommunicationStore messages(db(), clock());
  ASSERT_TRUE(messages.create(store::Actor::system(),
                              {.lead_id = a, .occurred_at = at("2026-11-03T10:00:00Z")}));
  EXPECT_EQ(last_of(a).as_string(), "2026-11-03T10:00:00.000000Z");
  store::ActivityStore activities(db(), clock());
  store::Activity done{.subject = "call",
                       .status = store::ActivityStatus::kDone,
                       .lead_id = a,
                       .completed_at = at("2026-11-04T08:00:00Z")};
  store::Activity open{.subject = "later", .due_at = at("2026-11-09T08:00:00Z"), .lead_id = a};
  store::Activity cancelled{.subject = "no",
                            .status = store::ActivityStatus::kCancelled,
                            .lead_id = a,
                            .completed_at = at("2026-11-08T08:00:00Z")};
  for (const auto& activity : {done, open, cancelled})
    ASSERT_TRUE(activities.create(store::Actor::system(), activity));
  EXPECT_EQ(last_of(a).as_string(), "2026-11-04T08:00:00.000000Z");
  EXPECT_TRUE(last_of(b).is_null());

  EXPECT_EQ(ids(json(get(Principal::kAdmin, "/api/v1/lead-ranking?tier=hot"))),
            (std::vector<int64_t>{b, c}));
  EXPECT_EQ(ids(json(get(Principal::kAdmin, "/api/v1/lead-ranking?source=web&limit=2"))),
            (std::vector<int64_t>{c, a}));
  auto second = json(get(Principal::kAdmin, "/api/v1/lead-ranking?source=web&limit=2&offset=2"));
  EXPECT_EQ(ids(second), (std::vector<int64_t>{d}));
  EXPECT_EQ(second.at("total").as_int64(), 3);
  EXPECT_EQ(ids(json(get(Principal::kAdmin, "/api/v1/lead-ranking?q=DELTA"))),
            (std::vector<int64_t>{d}));
  // Wildcards in the search are taken literally.
  EXPECT_TRUE(ids(json(get(Principal::kAdmin, "/api/v1/lead-ranking?q=%25"))).empty());
  move(c, {"contacted"});
  EXPECT_EQ(ids(json(get(Principal::kAdmin, "/api/v1/lead-ranking?status=contacted"))),
            (std::vector<int64_t>{c}));
  // A rep ranks their own and the unassigned leads only.
  EXPECT_EQ(ids(json(get(Principal::kRep, "/api/v1/lead-ranking"))),
            (std::vector<int64_t>{c, a, d}));
  EXPECT_EQ(ids(json(get(Principal::kRep, "/api/v1/lead-ranking?owner_id=" +
                                              std::to_string(user_id(Principal::kManager))))),
            (std::vector<int64_t>{}));
}

TEST_P(DashboardRoutesTest, ParametersOnePastTheirLimitsAreRefusedByName) {
  auto field_of = [&](const std::string& target) {
    auto r = get(Principal::kAdmin, target);
    EXPECT_EQ(r.status, 400) << target << " " << r.body;
    return std::string(json(r).at("errors").as_array()[0].at("field").as_string());
  };
  EXPECT_EQ(get(Principal::kAdmin,
                "/api/v1/lead-ranking?limit=" + std::to_string(store::kMaxRankedLeadsPage))
                .status,
            200);
  EXPECT_EQ(
      field_of("/api/v1/lead-ranking?limit=" + std::to_string(store::kMaxRankedLeadsPage + 1)),
      "limit");
  EXPECT_EQ(field_of("/api/v1/lead-ranking?limit=0"), "limit");
  EXPECT_EQ(field_of("/api/v1/lead-ranking?offset=-1"), "offset");
  EXPECT_EQ(field_of("/api/v1/lead-ranking?owner_id=x"), "owner_id");
  EXPECT_EQ(field_of("/api/v1/lead-ranking?status=won"), "status");
  EXPECT_EQ(field_of("/api/v1/lead-ranking?tier=lukewarm"), "tier");
  EXPECT_EQ(
      get(Principal::kAdmin, "/api/v1/lead-ranking?q=" + std::string(kMaxStringFieldBytes, 'a'))
          .status,
      200);
  EXPECT_EQ(field_of("/api/v1/lead-ranking?q=" + std::string(kMaxStringFieldBytes + 1, 'a')), "q");
  EXPECT_EQ(field_of("/api/v1/kpis?from=2026-02-29"), "from");  // not a leap year
  EXPECT_EQ(field_of("/api/v1/kpis?from=2026-1-01"), "from");
  EXPECT_EQ(field_of("/api/v1/kpis?to=2026-11-01T00:00:00Z"), "to");
  EXPECT_EQ(field_of("/api/v1/kpis?from=2026-11-01&to=2026-11-01"), "to");
  EXPECT_EQ(get(Principal::kAdmin, "/api/v1/kpis?from=2028-02-29&to=2028-03-01").status, 200);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(DashboardRoutesTest);

}  // namespace
}  // namespace icrm::api
