// POST /api/v1/imports and GET /api/v1/imports/{id} through the whole router
// on both engines: an upload becomes a job that ends with the counts and the
// refused rows located; a re-upload skips what is stored; multipart forms;
// who may import and see a job; the upload limit one past.
#include "api/import_routes.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <thread>

#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class ImportRoutesTest : public testing::ApiTest {
 protected:
  // Polls the job until it has finished (at most ~20 s).
  boost::json::object finished(Principal as, const std::string& location) {
    for (int i = 0; i < 2000; ++i) {
      auto r = get(as, location);
      EXPECT_EQ(r.status, 200) << r.body;
      auto job = json(r);
      std::string status(job.at("status").as_string());
      if (status != "queued" && status != "running") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the import did not finish";
    return {};
  }
};

constexpr const char* kCustomers =
    "name,email,external_id\r\n"
    "Ada Lovelace,ada@example.com,C-1\r\n"
    "\"Grace, Hopper\",grace@example.com,C-2\r\n"
    "Bad Mail,not-an-email,C-3\r\n";

TEST_P(ImportRoutesTest, UploadRunsInTheBackgroundAndReportsRefusedRowsWithTheirLine) {
  auto r = call(Principal::kManager, Method::kPost, "/api/v1/imports?kind=customers", kCustomers,
                {{"Content-Type", "text/csv"}});
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_TRUE(r.headers.get("Location"));
  const std::string location(*r.headers.get("Location"));
  auto job = finished(Principal::kManager, location);
  ASSERT_EQ(job.at("status").as_string(), "succeeded") << boost::json::serialize(job);
  auto summary = job.at("summary").as_object();
  EXPECT_EQ(summary.at("rows").as_int64(), 3);
  EXPECT_EQ(summary.at("imported").as_int64(), 2);
  EXPECT_EQ(summary.at("rejected").as_int64(), 1);
  auto rejected = job.at("rejected_rows").as_array();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].at("row").as_int64(), 3);
  EXPECT_EQ(rejected[0].at("line").as_int64(), 4);
  std::string error(rejected[0].at("error").as_string());
  EXPECT_NE(error.find("email"), std::string::npos) << error;
  auto list = json(get(Principal::kAdmin, "/api/v1/customers?limit=10"));
  EXPECT_EQ(list.at("items").as_array().size(), 2u);

  // The same file again stores nothing twice.
  r = call(Principal::kManager, Method::kPost, "/api/v1/imports?kind=customers&key=external_id",
           kCustomers, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(r.status, 202) << r.body;
  job = finished(Principal::kManager, std::string(*r.headers.get("Location")));
  EXPECT_EQ(job.at("summary").as_object().at("skipped").as_int64(), 2)
      << boost::json::serialize(job);
  EXPECT_EQ(
      json(get(Principal::kAdmin, "/api/v1/customers?limit=10")).at("items").as_array().size(), 2u);

  // A job is the uploader's and the importers': a rep (who may not import
  // customers) neither uploads nor sees it.
  EXPECT_EQ(get(Principal::kAdmin, location).status, 200);
  EXPECT_EQ(get(Principal::kRep, location).status, 404);
  EXPECT_EQ(
      call(Principal::kRep, Method::kPost, "/api/v1/imports?kind=customers", kCustomers).status,
      403);
  EXPECT_EQ(
      call(Principal::kViewer, Method::kPost, "/api/v1/imports?kind=leads", kCustomers).status,
      403);
}

TEST_P(ImportRoutesTest, MultipartFormAndBadOptions) {
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\nsku,name,unit_price\nS-1,Widget,2.50\n\r\n--XyZ--\r\n";
  auto r = call(Principal::kAdmin, Method::kPost, "/api/v1/imports?kind=products", body,
                {{"Content-Type", "multipart/form-data; boundary=XyZ"}});
  ASSERT_EQ(r.status, 202) << r.body;
  auto job = finished(Principal::kAdmin, std::string(*r.headers.get("Location")));
  ASSERT_EQ(job.at("status").as_string(), "succeeded") << boost::json::serialize(job);
  EXPECT_EQ(job.at("summary").as_object().at("imported").as_int64(), 1)
      << boost::json::serialize(job);

  EXPECT_EQ(
      call(Principal::kAdmin, Method::kPost, "/api/v1/imports?kind=unicorns", "a\n1\n").status,
      400);
  EXPECT_EQ(
      call(Principal::kAdmin, Method::kPost, "/api/v1/imports?kind=leads&on_duplicate=maybe", "a\n")
          .status,
      400);
  EXPECT_EQ(call(Principal::kAdmin, Method::kPost, "/api/v1/imports?kind=leads", "").status, 400);
  EXPECT_EQ(get(Principal::kAdmin, "/api/v1/imports/999").status, 404);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ImportRoutesTest);

// The upload limit, at it and one past, on a router of its own with a small limit.
TEST(ImportUploadLimit, OnePastIsRefused) {
  auto db = store::Database::open({.url = "sqlite::memory:"});
  ASSERT_TRUE(db) << db.error().to_string();
  ASSERT_TRUE((*db)->migrate());
  ManualClock clock{std::chrono::sys_days{std::chrono::year{2026} / 11 / 23}};
  auto runner = std::make_shared<app::ImportJobRunner>(**db, clock);
  Router router;
  constexpr std::size_t kLimit = 64;
  add_import_routes(router, runner, kLimit);
  auto send = [&](std::string body) {
    Request req;
    req.method = Method::kPost;
    EXPECT_TRUE(req.set_target("/api/v1/imports?kind=products&dry_run=true"));
    req.body = std::move(body);
    req.caller = Caller{.user_id = 1, .role = store::Role::kAdmin};
    return router.handle(req);
  };
  std::string at_limit = "sku,name\n";
  at_limit += std::string(kLimit - at_limit.size() - 1, 'x') + "\n";
  ASSERT_EQ(at_limit.size(), kLimit);
  EXPECT_EQ(send(at_limit).status, 202);
  auto past = send(at_limit + "y");
  EXPECT_EQ(past.status, 413);
  EXPECT_NE(past.body.find("64 bytes"), std::string::npos) << past.body;
  runner->wait_idle();
}

}  // namespace
}  // namespace icrm::api
