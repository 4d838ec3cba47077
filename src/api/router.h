// Router: maps (method, path pattern) to a handler, a plain function from
// Request to Result<Response> that does no I/O of its own, so every route is
// testable without a socket. Patterns are literal segments and `{name}`
// parameters: "/api/v1/leads/{id}/status". A literal segment beats a
// parameter ("/leads/export" over "/leads/{id}").
//
// The router is where handler errors become problem+json (problem.h), where a
// path that exists under another method gets 405 with Allow, and where a
// handler's escaped exception is caught, logged and answered with 500.
// Middleware (authentication, ...) wraps every matched route in order of use().
//
// Thread-safety: build the router fully, then share it const between threads.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"
#include "core/result.h"

namespace icrm::api {

using Handler = std::function<Result<Response>(const Request&)>;

// What the OpenAPI description says about a route; the OpenAPI test fails
// when a route answers a status its `responses` do not list.
struct RouteDoc {
  std::string summary;
  std::string tag;
  std::vector<int> responses;      // every status the route may answer
  std::string request_schema;      // JSON Schema text of the body, "" when none
  std::string response_schema;     // JSON Schema text of the 2xx body, "" when none
  std::vector<std::string> query;  // documented query parameters
};

// Who may call a route; middleware (auth) enforces it, the router only records it.
enum class Access {
  kPublic,         // health, login, static files
  kAuthenticated,  // any signed-in user; handlers check roles further
};

struct Route {
  Method method = Method::kGet;
  std::string pattern;
  Handler handler;
  RouteDoc doc;
  Access access = Access::kAuthenticated;
  std::vector<std::string> segments;  // pattern split at '/'
};

// Middleware sees the request and the matched route, and either answers
// itself (e.g. 401) or calls next(request), possibly after enriching it.
using Next = std::function<Result<Response>(const Request&)>;
using Middleware = std::function<Result<Response>(const Request&, const Route&, const Next&)>;

struct Dispatched {
  Response response;
  // The matched pattern, "static" for the fallback, "unmatched" for 404/405;
  // what metrics count requests by (never the raw path: unbounded cardinality).
  std::string_view route;
};

class Router {
 public:
  // Registers a route. REQUIRES: the pattern starts with '/', and no route with
  // the same method and pattern exists (a programming error: throws).
  Route& add(Method method, std::string pattern, Handler handler, RouteDoc doc = {},
             Access access = Access::kAuthenticated);
  void use(Middleware middleware);
  // Answers requests no pattern matches (the dashboard's static files).
  void set_fallback(Handler handler);

  Dispatched dispatch(Request& request) const;
  // Convenience for tests.
  Response handle(Request& request) const { return dispatch(request).response; }

  const std::vector<Route>& routes() const { return routes_; }

 private:
  Result<Response> run(const Route& route, const Request& request, size_t middleware) const;

  std::vector<Route> routes_;
  std::vector<Middleware> middleware_;
  Handler fallback_;
};

}  // namespace icrm::api
