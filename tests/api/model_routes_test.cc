// The scoring-model routes through a Router, without a socket, on both
// engines, on generated demo data: roles, the background training job and
// its poll, the registry list, activation with its re-scoring job, and a
// lead's explanation in words, and a customer's churn risk.
#include "api/model_routes.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "ingest/demo_generator.h"
#include "store/model_job_store.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::api {
namespace {

using boost::json::object;
using icrm::testing::add_user;
using icrm::testing::count_rows;

class ModelRoutesTest : public icrm::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    for (auto role :
         {store::Role::kAdmin, store::Role::kManager, store::Role::kRep, store::Role::kViewer}) {
      std::string name(store::role_name(role));
      users_[role] = add_user(db(), name + "@example.org", name);
    }
    other_rep_ = add_user(db(), "rep2@example.org", "rep");
    ingest::DemoOptions o;
    o.seed = 3;
    o.customers = 400;
    o.leads = 800;
    o.transactions = 1500;
    o.end = *parse_timestamp("2026-11-01T00:00:00Z");
    o.owner_ids = {users_[store::Role::kRep], other_rep_};
    auto counts = ingest::generate_demo(db(), o);
    ASSERT_TRUE(counts.ok()) << counts.error().to_string();
    runner_ = std::make_shared<app::ModelJobRunner>(db(), clock_);
    add_model_routes(router_, db(), clock_, runner_);
  }
  void TearDown() override {
    if (runner_) runner_->wait_idle();
    runner_.reset();
    router_ = Router();  // drops the routes' share of the runner: its thread ends here
    StoreTest::TearDown();
  }

  Response call(store::Role role, Method method, const std::string& target,
                const std::string& body = "", int64_t user = 0) {
    Request r;
    r.method = method;
    r.method_text = std::string(method_name(method));
    EXPECT_TRUE(r.set_target(target).ok());
    if (!body.empty()) r.headers.set("Content-Type", "application/json");
    r.body = body;
    r.caller = Caller{user ? user : users_[role], "someone@example.org", "Someone", role};
    return router_.handle(r);
  }
  static object json(const Response& r) { return boost::json::parse(r.body).as_object(); }
  int64_t lead_where(const std::string& where) {
    auto lease = db().lease();
    long long id = 0;
    **lease << "SELECT MIN(id) FROM leads WHERE " + where, soci::into(id);
    return id;
  }
  // Trains leads as the manager and waits for the job; returns the job.
  object train(const std::string& body = R"({"entity":"leads","models":"lr,gbdt"})") {
    auto r = call(store::Role::kManager, Method::kPost, "/api/v1/models/train", body);
    EXPECT_EQ(r.status, 202) << r.body;
    auto job = json(r);
    EXPECT_EQ(std::string(*r.headers.get("Location")),
              "/api/v1/models/jobs/" + std::to_string(job.at("id").as_int64()));
    runner_->wait_idle();
    auto polled = call(store::Role::kViewer, Method::kGet,
                       "/api/v1/models/jobs/" + std::to_string(job.at("id").as_int64()));
    EXPECT_EQ(polled.status, 200) << polled.body;
    return json(polled);
  }

  ManualClock clock_{*parse_timestamp("2026-11-02T09:00:00Z")};
  std::map<store::Role, int64_t> users_;
  int64_t other_rep_ = 0;
  std::shared_ptr<app::ModelJobRunner> runner_;
  Router router_;
};

TEST_P(ModelRoutesTest, TrainingRunsInTheBackgroundAndScoresTheOpenLeads) {
  for (auto role : {store::Role::kRep, store::Role::kViewer}) {
    auto denied = call(role, Method::kPost, "/api/v1/models/train", R"({"entity":"leads"})");
    EXPECT_EQ(denied.status, 403) << denied.body;
  }
  auto job = train();
  ASSERT_EQ(job.at("status").as_string(), "succeeded") << boost::json::serialize(job);
  ASSERT_TRUE(job.at("model_id").is_int64());
  EXPECT_EQ(job.at("request").at("models").as_array().size(), 2u);
  const long long open = count_rows(db(), "leads", "status IN ('new', 'contacted', 'qualified')");
  EXPECT_EQ(count_rows(db(), "latest_scores", "entity = 'leads'"), open);

  auto list = call(store::Role::kRep, Method::kGet, "/api/v1/models?entity=leads");
  ASSERT_EQ(list.status, 200) << list.body;
  auto items = json(list).at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  const auto& model = items[0].as_object();
  EXPECT_EQ(model.at("id").as_int64(), job.at("model_id").as_int64());
  EXPECT_TRUE(model.at("active").as_bool());
  EXPECT_FALSE(model.contains("bundle"));
  bool has_auc = false;
  for (const auto& m : model.at("metrics").at("models").as_array())
    has_auc |= m.at("test").as_object().contains("roc_auc");
  EXPECT_TRUE(has_auc);
  EXPECT_EQ(json(call(store::Role::kViewer, Method::kGet, "/api/v1/models?entity=customers"))
                .at("items")
                .as_array()
                .size(),
            0u);
}

TEST_P(ModelRoutesTest, BadTrainingRequestsAre400AndAnUnfinishedJobIs409) {
  const char* bad[] = {
      R"({})",
      R"({"entity":"deals"})",
      R"({"entity":"leads","target":"churned"})",
      R"({"entity":"leads","models":"lr,forest"})",
      R"({"entity":"leads","seed":-1})",
      R"({"entity":"leads","split":1.5})",
      R"({"entity":"leads","colour":"red"})",
  };
  for (const char* body : bad) {
    auto r = call(store::Role::kAdmin, Method::kPost, "/api/v1/models/train", body);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
  }
  store::ModelJobStore jobs(db(), clock_);
  auto running = jobs.create("leads", "converted", object{}, std::nullopt);
  ASSERT_TRUE(running.ok());
  auto conflict =
      call(store::Role::kAdmin, Method::kPost, "/api/v1/models/train", R"({"entity":"leads"})");
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(count_rows(db(), "model_jobs"), 1);
  EXPECT_EQ(call(store::Role::kAdmin, Method::kGet, "/api/v1/models/jobs/424242").status, 404);
  EXPECT_EQ(call(store::Role::kAdmin, Method::kGet, "/api/v1/models/jobs/abc").status, 400);
  EXPECT_EQ(call(store::Role::kAdmin, Method::kGet, "/api/v1/models?entity=deals").status, 400);
}

TEST_P(ModelRoutesTest, ExplanationSaysWhyInWordsToWhoMayReadTheLead) {
  const int64_t rep = users_[store::Role::kRep];
  const int64_t open_lead = lead_where(
      "status IN ('new', 'contacted', 'qualified') AND owner_id = " + std::to_string(rep));
  const int64_t decided = lead_where("status IN ('converted', 'lost')");
  ASSERT_GT(open_lead, 0);
  std::string path = "/api/v1/leads/" + std::to_string(open_lead) + "/explanation";
  auto before = call(store::Role::kRep, Method::kGet, path);
  EXPECT_EQ(before.status, 404) << "not scored yet: " << before.body;

  ASSERT_EQ(train().at("status").as_string(), "succeeded");
  auto r = call(store::Role::kRep, Method::kGet, path);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json(r);
  EXPECT_EQ(body.at("lead_id").as_int64(), open_lead);
  EXPECT_EQ(body.at("model").at("version").as_int64(), 1);
  const auto& factors = body.at("factors").as_array();
  ASSERT_FALSE(factors.empty());
  EXPECT_NE(std::string(factors[0].at("words").as_string()).find(", which "), std::string::npos);
  EXPECT_NE(std::string(body.at("summary").as_string()).find("likely to convert"),
            std::string::npos);
  EXPECT_GE(body.at("rank").as_int64(), 1);

  // Another rep's lead is hidden, as GET /leads/{id} hides it: 404, not a
  // 403 that would confirm the lead exists.
  EXPECT_EQ(call(store::Role::kRep, Method::kGet, path, "", other_rep_).status, 404)
      << "another rep's lead";
  EXPECT_EQ(call(store::Role::kViewer, Method::kGet, path).status, 200);
  EXPECT_EQ(call(store::Role::kManager, Method::kGet,
                 "/api/v1/leads/" + std::to_string(decided) + "/explanation")
                .status,
            404)
      << "decided leads are labels, not scored";
  EXPECT_EQ(call(store::Role::kManager, Method::kGet, "/api/v1/leads/99999999/explanation").status,
            404);
  EXPECT_EQ(call(store::Role::kManager, Method::kGet, "/api/v1/leads/x1/explanation").status, 400);
}

TEST_P(ModelRoutesTest, ActivatingAVersionRescoresWithIt) {
  ASSERT_EQ(train().at("status").as_string(), "succeeded");
  auto second = train(R"({"entity":"leads","models":"lr","seed":7})");
  ASSERT_EQ(second.at("status").as_string(), "succeeded");
  const int64_t v2 = second.at("model_id").as_int64();
  const std::string path = "/api/v1/models/" + std::to_string(v2) + "/activate";
  EXPECT_EQ(call(store::Role::kRep, Method::kPost, path).status, 403);
  EXPECT_EQ(call(store::Role::kManager, Method::kPost, "/api/v1/models/777777/activate").status,
            404);

  auto r = call(store::Role::kManager, Method::kPost, path);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json(r);
  EXPECT_TRUE(body.at("model").at("active").as_bool());
  EXPECT_EQ(body.at("scoring_job").at("request").at("action").as_string(), "score");
  runner_->wait_idle();
  auto job = json(
      call(store::Role::kManager, Method::kGet,
           "/api/v1/models/jobs/" + std::to_string(body.at("scoring_job").at("id").as_int64())));
  EXPECT_EQ(job.at("status").as_string(), "succeeded") << boost::json::serialize(job);
  const long long open = count_rows(db(), "leads", "status IN ('new', 'contacted', 'qualified')");
  EXPECT_EQ(count_rows(db(), "latest_scores", "model_id = " + std::to_string(v2)), open);
  EXPECT_EQ(count_rows(db(), "models", "active = 1"), 1);
}

TEST_P(ModelRoutesTest, ChurnRiskIsTheCustomersLatestChurnScoreInWords) {
  int64_t customer = 0;
  {
    auto lease = db().lease();
    long long id = 0;
    **lease << "SELECT MIN(id) FROM customers WHERE status <> 'churned'", soci::into(id);
    customer = id;
  }
  ASSERT_GT(customer, 0);
  const std::string path = "/api/v1/customers/" + std::to_string(customer) + "/churn-risk";
  auto before = call(store::Role::kRep, Method::kGet, path);
  EXPECT_EQ(before.status, 404) << before.body;
  EXPECT_NE(before.body.find("no churn score yet"), std::string::npos) << before.body;

  auto job = train(R"({"entity":"customers","models":"lr"})");
  ASSERT_EQ(job.at("status").as_string(), "succeeded") << boost::json::serialize(job);
  auto r = call(store::Role::kViewer, Method::kGet, path);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json(r);
  EXPECT_EQ(body.at("customer_id").as_int64(), customer);
  EXPECT_EQ(body.at("model").at("id").as_int64(), job.at("model_id").as_int64());
  const double p = body.at("probability").as_double();
  EXPECT_GE(p, 0.0);
  EXPECT_LE(p, 1.0);
  EXPECT_GE(body.at("rank").as_int64(), 1);
  EXPECT_FALSE(body.at("factors").as_array().empty());
  EXPECT_NE(std::string(body.at("summary").as_string()).find("likely to churn"), std::string::npos)
      << body.at("summary");
  // The stored latest score, not a recomputation.
  {
    auto lease = db().lease();
    double stored = -1;
    **lease << "SELECT probability FROM latest_scores WHERE entity = 'customers' AND entity_id = " +
                   std::to_string(customer),
        soci::into(stored);
    EXPECT_DOUBLE_EQ(stored, p);
  }
  EXPECT_EQ(
      call(store::Role::kManager, Method::kGet, "/api/v1/customers/99999999/churn-risk").status,
      404);
  EXPECT_EQ(call(store::Role::kManager, Method::kGet, "/api/v1/customers/0/churn-risk").status,
            400);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ModelRoutesTest);

}  // namespace
}  // namespace icrm::api
