#include "api/router.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <stdexcept>

#include "api/problem.h"

namespace icrm::api {
namespace {

Request make(Method m, std::string target) {
  Request r;
  r.method = m;
  r.method_text = std::string(method_name(m));
  EXPECT_TRUE(r.set_target(std::move(target)));
  return r;
}

Handler echo(std::string tag) {
  return [tag](const Request& r) -> Result<Response> {
    std::string body = tag;
    for (const auto& [k, v] : r.path_params) body += " " + k + "=" + v;
    return Response::text(200, "text/plain", body);
  };
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router router;
  router.add(Method::kGet, "/api/v1/leads", echo("list"));
  router.add(Method::kGet, "/api/v1/leads/{id}", echo("one"));
  router.add(Method::kPost, "/api/v1/leads/{id}/status", echo("status"));
  auto r1 = make(Method::kGet, "/api/v1/leads");
  EXPECT_EQ(router.handle(r1).body, "list");
  auto r2 = make(Method::kGet, "/api/v1/leads/42");
  EXPECT_EQ(router.handle(r2).body, "one id=42");
  auto r3 = make(Method::kPost, "/api/v1/leads/7/status");
  auto d = router.dispatch(r3);
  EXPECT_EQ(d.response.body, "status id=7");
  EXPECT_EQ(d.route, "/api/v1/leads/{id}/status");
}

TEST(Router, LiteralSegmentBeatsParameterWhateverTheOrder) {
  Router router;
  router.add(Method::kGet, "/things/{id}", echo("param"));
  router.add(Method::kGet, "/things/export", echo("literal"));
  auto r = make(Method::kGet, "/things/export");
  EXPECT_EQ(router.handle(r).body, "literal");
  auto r2 = make(Method::kGet, "/things/exports");
  EXPECT_EQ(router.handle(r2).body, "param id=exports");
}

TEST(Router, PercentDecodedParameters) {
  Router router;
  router.add(Method::kGet, "/things/{id}", echo("p"));
  auto r = make(Method::kGet, "/things/a%20b");
  EXPECT_EQ(router.handle(r).body, "p id=a b");
}

TEST(Router, EmptyParameterSegmentDoesNotMatch) {
  Router router;
  router.add(Method::kGet, "/things/{id}", echo("p"));
  auto r = make(Method::kGet, "/things/");
  EXPECT_EQ(router.handle(r).status, 404);
}

TEST(Router, UnknownRouteIsProblem404) {
  Router router;
  router.add(Method::kGet, "/a", echo("a"));
  auto r = make(Method::kGet, "/b");
  Response res = router.handle(r);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.content_type, "application/problem+json");
  auto body = boost::json::parse(res.body).as_object();
  EXPECT_EQ(body.at("status").as_int64(), 404);
}

TEST(Router, WrongMethodIs405WithAllow) {
  Router router;
  router.add(Method::kGet, "/things/{id}", echo("get"));
  router.add(Method::kPatch, "/things/{id}", echo("patch"));
  router.add(Method::kDelete, "/things/{id}", echo("delete"));
  auto r = make(Method::kPost, "/things/1");
  Response res = router.handle(r);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.content_type, "application/problem+json");
  EXPECT_EQ(res.headers.get("Allow").value_or(""), "GET, HEAD, PATCH, DELETE");
}

TEST(Router, HeadIsServedByGetWithoutBody) {
  Router router;
  router.add(Method::kGet, "/a", echo("body"));
  auto r = make(Method::kHead, "/a");
  Response res = router.handle(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.omit_body);
  EXPECT_EQ(res.body, "body");  // kept for Content-Length; the server sends no bytes of it
}

TEST(Router, HandlerErrorBecomesProblemJsonOnce) {
  Router router;
  router.add(Method::kGet, "/conflict", [](const Request&) -> Result<Response> {
    return Error::conflict("a lead with this email exists: id 12", "email");
  });
  auto r = make(Method::kGet, "/conflict");
  Response res = router.handle(r);
  EXPECT_EQ(res.status, 409);
  auto body = boost::json::parse(res.body).as_object();
  EXPECT_EQ(body.at("detail").as_string(), "a lead with this email exists: id 12");
  EXPECT_EQ(body.at("errors").as_array().at(0).as_object().at("field").as_string(), "email");
}

TEST(Router, EscapedExceptionIs500WithoutInternals) {
  Router router;
  router.add(Method::kGet, "/boom", [](const Request&) -> Result<Response> {
    throw std::runtime_error("secret table users_pw_hash");
  });
  auto r = make(Method::kGet, "/boom");
  Response res = router.handle(r);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
}

TEST(Router, MiddlewareRunsInOrderAndCanAnswer) {
  Router router;
  router.add(Method::kGet, "/open", echo("open"), {}, Access::kPublic);
  router.add(Method::kGet, "/closed", echo("closed"), {}, Access::kAuthenticated);
  std::string trace;
  router.use([&](const Request& r, const Route& route, const Next& next) -> Result<Response> {
    trace += "1";
    if (route.access == Access::kAuthenticated) return Error::unauthenticated("sign in");
    return next(r);
  });
  router.use([&](const Request& r, const Route&, const Next& next) -> Result<Response> {
    trace += "2";
    return next(r);
  });
  auto open = make(Method::kGet, "/open");
  EXPECT_EQ(router.handle(open).body, "open");
  EXPECT_EQ(trace, "12");
  auto closed = make(Method::kGet, "/closed");
  Response res = router.handle(closed);
  EXPECT_EQ(res.status, 401);
  EXPECT_TRUE(res.headers.get("WWW-Authenticate").has_value());
  EXPECT_EQ(trace, "121");
}

TEST(Router, FallbackAnswersWhatNoPatternMatches) {
  Router router;
  router.add(Method::kGet, "/a", echo("a"));
  router.set_fallback([](const Request& r) -> Result<Response> {
    return Response::text(200, "text/html", "app for " + r.path);
  });
  auto r = make(Method::kGet, "/leads/5");
  auto d = router.dispatch(r);
  EXPECT_EQ(d.response.body, "app for /leads/5");
  EXPECT_EQ(d.route, "static");
}

TEST(Router, DuplicateRouteIsAProgrammingError) {
  Router router;
  router.add(Method::kGet, "/a", echo("a"));
  EXPECT_THROW(router.add(Method::kGet, "/a", echo("b")), std::logic_error);
  EXPECT_THROW(router.add(Method::kGet, "a", echo("b")), std::logic_error);
}

}  // namespace
}  // namespace icrm::api
