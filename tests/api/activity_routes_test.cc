// /api/v1/activities and /api/v1/communications through the whole router, on
// both engines.
#include "api/activity_routes.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "store/validation.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class ActivityRoutesTest : public testing::ApiTest {};

TEST_P(ActivityRoutesTest, RepsOwnTheActivitiesTheyCreateAndSeeOnlyThose) {
  int64_t lead = create("/api/v1/leads", R"({"name":"Ada"})");
  std::string on_lead = R"("lead_id":)" + std::to_string(lead);
  auto mine = post(Principal::kRep, "/api/v1/activities",
                   R"({"kind":"call","subject":"Call back",)" + on_lead + "}");
  ASSERT_EQ(mine.status, 201) << mine.body;
  auto a = json(mine);
  EXPECT_EQ(a.at("owner_id").as_int64(), user_id(Principal::kRep));
  EXPECT_EQ(a.at("created_by_user_id").as_int64(), user_id(Principal::kRep));
  EXPECT_EQ(a.at("status").as_string(), "open");
  int64_t managers = create("/api/v1/activities",
                            R"({"subject":"Offer",)" + on_lead + R"(,"owner_id":)" +
                                std::to_string(user_id(Principal::kManager)) + "}",
                            Principal::kManager);
  int64_t unassigned =
      create("/api/v1/activities", R"({"subject":"Anyone",)" + on_lead + "}", Principal::kManager);

  auto listed = get(Principal::kRep, "/api/v1/activities?lead_id=" + std::to_string(lead));
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(json(listed).at("items").as_array().size(), 1u);
  EXPECT_EQ(json(listed).at("items").as_array()[0].as_object().at("id").as_int64(),
            a.at("id").as_int64());
  EXPECT_EQ(json(get(Principal::kManager, "/api/v1/activities?lead_id=" + std::to_string(lead)))
                .at("items")
                .as_array()
                .size(),
            3u);
  EXPECT_EQ(get(Principal::kRep,
                "/api/v1/activities?owner_id=" + std::to_string(user_id(Principal::kManager)))
                .status,
            403);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/activities/" + std::to_string(managers)).status, 404);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/activities/" + std::to_string(unassigned)).status, 404);
  EXPECT_EQ(get(Principal::kViewer, "/api/v1/activities/" + std::to_string(managers)).status, 200);
}

TEST_P(ActivityRoutesTest, StatusChangesStampCompletionAndEveryBadFieldIsNamed) {
  int64_t customer = create("/api/v1/customers", R"({"name":"Acme"})");
  int64_t id = create(
      "/api/v1/activities",
      R"({"kind":"meeting","subject":"Kick-off","due_at":"2026-11-30T09:00:00Z","customer_id":)" +
          std::to_string(customer) + "}");
  std::string item = "/api/v1/activities/" + std::to_string(id);
  auto done = patch(Principal::kManager, item, R"({"status":"done"})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_FALSE(json(done).at("completed_at").is_null());
  EXPECT_EQ(json(done).at("subject").as_string(), "Kick-off");
  auto reopened = patch(Principal::kManager, item, R"({"status":"open","due_at":null})");
  ASSERT_EQ(reopened.status, 200) << reopened.body;
  EXPECT_TRUE(json(reopened).at("completed_at").is_null());
  EXPECT_TRUE(json(reopened).at("due_at").is_null());

  std::string long_subject(store::kMaxSubjectLength + 1, 's');
  auto bad =
      post(Principal::kAdmin, "/api/v1/activities",
           R"({"kind":"lunch","subject":")" + long_subject +
               R"(","due_at":"tomorrow","customer_id":0,"created_by_system":true,"colour":"red"})");
  ASSERT_EQ(bad.status, 400) << bad.body;
  auto named = error_fields(json(bad));
  for (const char* f :
       {"kind", "subject", "due_at", "customer_id", "created_by_system", "colour"}) {
    EXPECT_NE(std::find(named.begin(), named.end(), f), named.end()) << f << " in " << bad.body;
  }
  std::string at_limit(store::kMaxSubjectLength, 's');
  EXPECT_EQ(
      post(Principal::kAdmin, "/api/v1/activities",
           R"({"subject":")" + at_limit + R"(","customer_id":)" + std::to_string(customer) + "}")
          .status,
      201);
  EXPECT_EQ(patch(Principal::kManager, item, R"({"completed_at":"2026-11-20T10:00:00Z"})").status,
            400);
  // Neither party: the store names the link. A lead that does not exist is
  // answered 404 naming it, as a lead the caller may not see is (lead_access.h).
  auto unlinked = post(Principal::kAdmin, "/api/v1/activities", R"({"subject":"Nowhere"})");
  EXPECT_EQ(unlinked.status, 400) << unlinked.body;
  auto missing =
      post(Principal::kAdmin, "/api/v1/activities", R"({"subject":"Ghost","lead_id":424242})");
  ASSERT_EQ(missing.status, 404) << missing.body;
  EXPECT_NE(missing.body.find("lead_id"), std::string::npos) << missing.body;
  EXPECT_EQ(del(Principal::kViewer, item).status, 403);
  EXPECT_EQ(del(Principal::kManager, item).status, 204);
  EXPECT_EQ(get(Principal::kManager, item).status, 404);
}

TEST_P(ActivityRoutesTest, CommunicationsDeriveResponseTimesAndKeepTextVerbatim) {
  int64_t lead = create("/api/v1/leads", R"({"name":"Bo","owner_id":)" +
                                             std::to_string(user_id(Principal::kRep)) + "}");
  std::string on_lead = R"("lead_id":)" + std::to_string(lead);
  const std::string hostile = R"(<script>alert(1)</script>'; DROP TABLE communications; --)";
  boost::json::object in{{"lead_id", lead},
                         {"direction", "in"},
                         {"channel", "email"},
                         {"subject", hostile},
                         {"occurred_at", "2026-11-20T10:00:00Z"}};
  auto asked = post(Principal::kRep, "/api/v1/communications", boost::json::serialize(in));
  ASSERT_EQ(asked.status, 201) << asked.body;
  EXPECT_EQ(json(asked).at("subject").as_string(), hostile);
  EXPECT_TRUE(json(asked).at("response_seconds").is_null());
  auto answered =
      post(Principal::kRep, "/api/v1/communications",
           "{" + on_lead +
               R"(,"direction":"out","channel":"call","occurred_at":"2026-11-20T10:30:00Z"})");
  ASSERT_EQ(answered.status, 201) << answered.body;
  EXPECT_EQ(json(answered).at("response_seconds").as_int64(), 1800);
  std::string answer =
      "/api/v1/communications/" + std::to_string(json(answered).at("id").as_int64());

  // A rep logs messages but does not rewrite them; a manager may, and the time follows.
  EXPECT_EQ(patch(Principal::kRep, answer, R"({"occurred_at":"2026-11-20T11:00:00Z"})").status,
            403);
  auto moved = patch(Principal::kManager, answer, R"({"occurred_at":"2026-11-20T11:00:00Z"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(json(moved).at("response_seconds").as_int64(), 3600);
  EXPECT_EQ(json(moved).at("channel").as_string(), "call");

  auto listed = get(Principal::kViewer,
                    "/api/v1/communications?lead_id=" + std::to_string(lead) + "&sort=occurred_at");
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto items = json(listed).at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].as_object().at("subject").as_string(), hostile);

  std::string long_body(store::kMaxBodyLength + 1, 'b');
  auto bad = post(Principal::kAdmin, "/api/v1/communications",
                  "{" + on_lead + R"(,"direction":"sideways","body":")" + long_body +
                      R"(","response_seconds":5})");
  ASSERT_EQ(bad.status, 400) << bad.body.substr(0, 300);
  auto named = error_fields(json(bad));
  for (const char* f : {"direction", "body", "occurred_at", "response_seconds"}) {
    EXPECT_NE(std::find(named.begin(), named.end(), f), named.end()) << f;
  }
  std::string at_limit(store::kMaxBodyLength, 'b');
  EXPECT_EQ(
      post(Principal::kAdmin, "/api/v1/communications",
           "{" + on_lead + R"(,"body":")" + at_limit + R"(","occurred_at":"2026-11-21T10:00:00Z"})")
          .status,
      201);
  EXPECT_EQ(del(Principal::kRep, answer).status, 403);
  EXPECT_EQ(del(Principal::kAdmin, answer).status, 204);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ActivityRoutesTest);

}  // namespace
}  // namespace icrm::api
