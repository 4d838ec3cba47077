// The OpenAPI 3.1 description of the API, generated from the Router's routes
// and their RouteDoc, served at GET /api/v1/openapi.json. Being generated
// from the routes it cannot miss one; tests/api/openapi_test.cc keeps the
// documented response codes true by calling every route.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "api/router.h"

namespace icrm::api {

// Routes with Access::kAuthenticated also document 401 and 403: the auth
// middleware may answer either before the handler runs.
// Every status a route may answer, as documented: its RouteDoc plus 401/403
// for authenticated routes.
std::vector<int> documented_responses(const Route& route);

boost::json::object openapi_document(const Router& router, const std::string& version);

// Registers GET /api/v1/openapi.json (public). REQUIRES: `router` outlives
// itself being served (the handler describes the router it is in).
void add_openapi_route(Router& router, std::string version);

}  // namespace icrm::api
