#include "api/problem.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace icrm::api {
namespace {

boost::json::object body_of(const Response& r) { return boost::json::parse(r.body).as_object(); }

TEST(Problem, EveryErrorCodeHasItsStatus) {
  EXPECT_EQ(problem_response(Error::invalid("x")).status, 400);
  EXPECT_EQ(problem_response(Error::not_found("x")).status, 404);
  EXPECT_EQ(problem_response(Error::conflict("x")).status, 409);
  EXPECT_EQ(problem_response(Error::unauthenticated("x")).status, 401);
  EXPECT_EQ(problem_response(Error::permission_denied("x")).status, 403);
  EXPECT_EQ(problem_response(Error::too_large("x")).status, 413);
  EXPECT_EQ(problem_response(Error::rate_limited("x")).status, 429);
  EXPECT_EQ(problem_response(Error::unavailable("x")).status, 503);
  EXPECT_EQ(problem_response(Error::internal("x")).status, 500);
}

TEST(Problem, HasTheRfc9457MembersAndNamesEveryField) {
  Error e = Error::invalid("2 fields are invalid");
  e.details = {{"email", "is required"}, {"expected_value", "must be an integer"}};
  Response r = problem_response(e);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto b = body_of(r);
  EXPECT_EQ(b.at("type").as_string(), "urn:insightcrm:problem:invalid_argument");
  EXPECT_EQ(b.at("title").as_string(), "Bad Request");
  EXPECT_EQ(b.at("status").as_int64(), 400);
  EXPECT_EQ(b.at("detail").as_string(), "2 fields are invalid");
  auto errors = b.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[1].as_object().at("field").as_string(), "expected_value");
  EXPECT_EQ(errors[1].as_object().at("message").as_string(), "must be an integer");
}

TEST(Problem, AnErrorAboutOneFieldNamesItInErrors) {
  auto b = body_of(
      problem_response(Error::conflict("customer 12 already has the e-mail a@b.c", "email")));
  auto errors = b.at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].as_object().at("field").as_string(), "email");
  EXPECT_EQ(errors[0].as_object().at("message").as_string(),
            "customer 12 already has the e-mail a@b.c");
  EXPECT_TRUE(body_of(problem_response(Error::not_found("no lead with id 3")))
                  .at("errors")
                  .as_array()
                  .empty());
}

TEST(Problem, InternalErrorsDoNotLeakTheirMessage) {
  Response r = problem_response(Error::internal("SOCI: no such column leads.secret at 0x7f"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("SOCI"), std::string::npos);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST(Problem, RateLimitedAndUnavailableSayWhenToRetry) {
  Response limited = problem_response(Error::rate_limited("too many attempts"));
  EXPECT_EQ(limited.headers.get("Retry-After").value_or(""),
            std::to_string(kDefaultRetryAfter.count()));
  Response told = problem_response(Error::rate_limited("x"), std::chrono::seconds(17));
  EXPECT_EQ(told.headers.get("Retry-After").value_or(""), "17");
  Response down = problem_response(Error::unavailable("db down"));
  EXPECT_EQ(down.headers.get("Retry-After").value_or(""),
            std::to_string(kUnavailableRetryAfter.count()));
  EXPECT_FALSE(problem_response(Error::conflict("x")).headers.get("Retry-After"));
}

TEST(Problem, DetailWithQuotesAndMarkupIsEscapedJson) {
  Response r = problem_response(Error::invalid("name \"<script>\"\n bad", "name"));
  auto b = body_of(r);
  EXPECT_EQ(b.at("detail").as_string(), "name \"<script>\"\n bad");
}

TEST(Problem, StatusOnlyProblems) {
  Response r = problem_response(431, "headers too large");
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(body_of(r).at("title").as_string(), "Request Header Fields Too Large");
}

}  // namespace
}  // namespace icrm::api
