// /api/v1/users and /api/v1/audit-log through the whole router without a
// socket, on both engines.
#include "api/user_routes.h"

#include <gtest/gtest.h>

#include "api/response_stream.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class UserRoutesTest : public testing::ApiTest {
 protected:
  Response login(const std::string& email, const std::string& password) {
    return call(Principal::kNone, Method::kPost, "/api/v1/auth/login",
                R"({"email":")" + email + R"(","password":")" + password + R"("})");
  }
};

TEST_P(UserRoutesTest, AnAdminCreatesAUserWhoCanSignIn) {
  auto created = post(
      Principal::kAdmin, "/api/v1/users",
      R"({"email":"grace@example.com","name":"Grace","role":"rep","password":"a long enough secret"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.body.find("argon2"), std::string::npos);
  EXPECT_EQ(created.body.find("secret"), std::string::npos);
  auto u = json(created);
  EXPECT_EQ(u.at("role").as_string(), "rep");
  EXPECT_FALSE(u.at("disabled").as_bool());
  EXPECT_EQ(login("grace@example.com", "a long enough secret").status, 200);

  auto duplicate = post(
      Principal::kAdmin, "/api/v1/users",
      R"({"email":"GRACE@example.com","name":"G","role":"rep","password":"a long enough secret"})");
  ASSERT_EQ(duplicate.status, 409);
  EXPECT_NE(duplicate.body.find("id " + std::to_string(u.at("id").as_int64())), std::string::npos);

  auto bad = post(Principal::kAdmin, "/api/v1/users",
                  R"({"email":"x@example.com","role":"root","password":"short"})");
  ASSERT_EQ(bad.status, 400);
  std::vector<std::string> fields;
  auto problem = json(bad);
  for (const auto& e : problem.at("errors").as_array())
    fields.emplace_back(e.as_object().at("field").as_string());
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "role", "password"}));
}

TEST_P(UserRoutesTest, ManagersReadUsersOnlyAdminsWriteThem) {
  EXPECT_EQ(get(Principal::kManager, "/api/v1/users").status, 200);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/users").status, 403);
  EXPECT_EQ(
      get(Principal::kViewer, "/api/v1/users/" + std::to_string(user_id(Principal::kAdmin))).status,
      403);
  const std::string body =
      R"({"email":"m@example.com","name":"M","role":"admin","password":"a long enough secret"})";
  EXPECT_EQ(post(Principal::kManager, "/api/v1/users", body).status, 403);
  EXPECT_EQ(
      patch(Principal::kManager, "/api/v1/users/" + std::to_string(user_id(Principal::kManager)),
            R"({"role":"admin"})")
          .status,
      403);
  auto listed = json(get(Principal::kAdmin, "/api/v1/users?role=rep"));
  ASSERT_EQ(listed.at("items").as_array().size(), 1u);
  EXPECT_EQ(listed.at("items").as_array()[0].as_object().at("email").as_string(),
            "rep@example.com");
  EXPECT_FALSE(listed.at("items").as_array()[0].as_object().contains("password_hash"));
}

TEST_P(UserRoutesTest, DisablingSignsTheUserOutEverywhereUntilEnabled) {
  auto session = login("rep@example.com", "correct horse battery");
  ASSERT_EQ(session.status, 200);
  std::string token(json(session).at("token").as_string());
  auto me = [&] {
    return call(Principal::kNone, Method::kGet, "/api/v1/me", "",
                {{"Authorization", "Bearer " + token}});
  };
  ASSERT_EQ(me().status, 200);
  const std::string path = "/api/v1/users/" + std::to_string(user_id(Principal::kRep));
  auto disabled = patch(Principal::kAdmin, path, R"({"disabled":true})");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_TRUE(json(disabled).at("disabled").as_bool());
  EXPECT_EQ(me().status, 401);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/me").status, 401) << "API keys stop too";
  EXPECT_EQ(login("rep@example.com", "correct horse battery").status, 401);
  ASSERT_EQ(
      patch(Principal::kAdmin, path, R"({"disabled":false,"role":"viewer","name":"Rae"})").status,
      200);
  auto now = json(get(Principal::kRep, "/api/v1/me"));
  EXPECT_EQ(now.at("role").as_string(), "viewer");
  EXPECT_EQ(now.at("name").as_string(), "Rae");
  EXPECT_EQ(patch(Principal::kAdmin, path, R"({"email":"new@example.com"})").status, 400);
  EXPECT_EQ(patch(Principal::kAdmin, path, R"({"role":null})").status, 400);
  EXPECT_EQ(patch(Principal::kAdmin, "/api/v1/users/424242", R"({"name":"x"})").status, 404);
}

TEST_P(UserRoutesTest, APasswordChangeEndsSessionsAndTheNewOneWorks) {
  auto session = login("viewer@example.com", "correct horse battery");
  ASSERT_EQ(session.status, 200);
  std::string token(json(session).at("token").as_string());
  const std::string path = "/api/v1/users/" + std::to_string(user_id(Principal::kViewer));
  EXPECT_EQ(patch(Principal::kAdmin, path, R"({"password":"short"})").status, 400);
  ASSERT_EQ(get(Principal::kViewer, "/api/v1/me").status, 200);
  ASSERT_EQ(patch(Principal::kAdmin, path, R"({"password":"a different long one"})").status, 200);
  EXPECT_EQ(
      call(Principal::kNone, Method::kGet, "/api/v1/me", "", {{"Authorization", "Bearer " + token}})
          .status,
      401);
  // Keys made by whoever knew the old password are revoked too.
  EXPECT_EQ(get(Principal::kViewer, "/api/v1/me").status, 401);
  EXPECT_EQ(login("viewer@example.com", "a different long one").status, 200);
}

TEST_P(UserRoutesTest, LiveStreamsCloseWhenTheirUserIsSignedOutDisabledOrChanged) {
  auto open = [&](Principal as, std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto r = call(as, Method::kGet, "/api/v1/stream", "", std::move(headers));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.stream) r.stream->open([] {});
    return r.stream;
  };
  auto live = [](const std::shared_ptr<ResponseStream>& s) {
    std::string out;
    return s && s->take(out);
  };
  auto rep = open(Principal::kRep);
  auto viewer = open(Principal::kViewer);
  auto manager = open(Principal::kManager);
  ASSERT_TRUE(live(rep) && live(viewer) && live(manager));

  // A new role: the stream's filter was the old role's.
  const std::string rep_path = "/api/v1/users/" + std::to_string(user_id(Principal::kRep));
  ASSERT_EQ(patch(Principal::kAdmin, rep_path, R"({"role":"viewer"})").status, 200);
  EXPECT_FALSE(live(rep));
  EXPECT_TRUE(live(viewer));
  EXPECT_TRUE(live(manager));

  const std::string viewer_path = "/api/v1/users/" + std::to_string(user_id(Principal::kViewer));
  ASSERT_EQ(patch(Principal::kAdmin, viewer_path, R"({"disabled":true})").status, 200);
  EXPECT_FALSE(live(viewer));
  EXPECT_TRUE(live(manager));

  auto session = login("manager@example.com", "correct horse battery");
  ASSERT_EQ(session.status, 200);
  const std::string bearer = "Bearer " + std::string(json(session).at("token").as_string());
  auto signed_in = open(Principal::kNone, {{"Authorization", bearer}});
  ASSERT_TRUE(live(signed_in));
  ASSERT_EQ(
      call(Principal::kNone, Method::kPost, "/api/v1/auth/logout", "", {{"Authorization", bearer}})
          .status,
      204);
  EXPECT_FALSE(live(signed_in));
  for (auto& s : {rep, viewer, manager, signed_in})
    if (s) s->close();
}

TEST_P(UserRoutesTest, TheLastAdminCannotBeDemoted) {
  auto r = patch(Principal::kAdmin, "/api/v1/users/" + std::to_string(user_id(Principal::kAdmin)),
                 R"({"role":"manager"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("last enabled admin"), std::string::npos);
}

TEST_P(UserRoutesTest, TheAuditLogIsForAdminsAndManagersAndHoldsNoHashes) {
  ASSERT_EQ(
      post(
          Principal::kAdmin, "/api/v1/users",
          R"({"email":"h@example.com","name":"H","role":"viewer","password":"a long enough secret"})")
          .status,
      201);
  auto log = get(Principal::kManager, "/api/v1/audit-log?entity=users&limit=1");
  ASSERT_EQ(log.status, 200) << log.body;
  auto page = json(log);
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  auto entry = page.at("items").as_array()[0].as_object();
  EXPECT_EQ(entry.at("action").as_string(), "create");
  EXPECT_EQ(entry.at("user_id").as_int64(), user_id(Principal::kAdmin));
  EXPECT_EQ(entry.at("after").as_object().at("email").as_string(), "h@example.com");
  EXPECT_FALSE(page.at("next_cursor").is_null());
  EXPECT_EQ(log.body.find("argon2"), std::string::npos);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/audit-log").status, 403);
  EXPECT_EQ(get(Principal::kViewer, "/api/v1/audit-log").status, 403);
  EXPECT_EQ(get(Principal::kAdmin, "/api/v1/audit-log?q=x").status, 200);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(UserRoutesTest);

}  // namespace
}  // namespace icrm::api
