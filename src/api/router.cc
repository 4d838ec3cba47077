#include "api/router.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <stdexcept>

#include "api/problem.h"

namespace icrm::api {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 1;  // skip the leading '/'
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    out.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches and, when `params` is given, records the parameters. Returns a
// specificity key: one bit per segment, set for a parameter (lower wins).
bool match(const Route& route, const std::vector<std::string_view>& parts, uint64_t* key) {
  if (route.segments.size() != parts.size()) return false;
  uint64_t k = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = route.segments[i];
    k <<= 1;
    if (is_param(seg)) {
      if (parts[i].empty()) return false;
      k |= 1;
    } else if (seg != parts[i]) {
      return false;
    }
  }
  *key = k;
  return true;
}

Response to_response(Result<Response> result) {
  if (result) return std::move(result).value();
  return problem_response(result.error());
}

}  // namespace

Route& Router::add(Method method, std::string pattern, Handler handler, RouteDoc doc,
                   Access access) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::logic_error("route pattern must start with '/': " + pattern);
  }
  for (const auto& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      throw std::logic_error("route registered twice: " + pattern);
    }
  }
  Route route;
  route.method = method;
  for (auto s : split_path(pattern)) route.segments.emplace_back(s);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.doc = std::move(doc);
  route.access = access;
  routes_.push_back(std::move(route));
  return routes_.back();
}

void Router::use(Middleware middleware) { middleware_.push_back(std::move(middleware)); }

void Router::set_fallback(Handler handler) { fallback_ = std::move(handler); }

Result<Response> Router::run(const Route& route, const Request& request, size_t middleware) const {
  if (middleware == middleware_.size()) return route.handler(request);
  Next next = [&](const Request& r) { return run(route, r, middleware + 1); };
  return middleware_[middleware](request, route, next);
}

Dispatched Router::dispatch(Request& request) const {
  auto parts = split_path(request.path);
  const Route* best = nullptr;
  const Route* head_via_get = nullptr;
  uint64_t best_key = 0, get_key = 0;
  std::vector<std::string_view> allowed;
  for (const auto& route : routes_) {
    uint64_t key;
    if (!match(route, parts, &key)) continue;
    allowed.push_back(method_name(route.method));
    if (route.method == request.method && (best == nullptr || key < best_key)) {
      best = &route;
      best_key = key;
    }
    if (request.method == Method::kHead && route.method == Method::kGet &&
        (head_via_get == nullptr || key < get_key)) {
      head_via_get = &route;
      get_key = key;
    }
  }
  bool omit_body = false;
  if (best == nullptr && head_via_get != nullptr) {
    best = head_via_get;
    omit_body = true;
  }
  if (best == nullptr) {
    if (!allowed.empty()) {
      std::string allow;
      for (auto m : allowed) {
        if (allow.find(m) != std::string::npos) continue;
        if (!allow.empty()) allow += ", ";
        allow += m;
        if (m == "GET" && allow.find("HEAD") == std::string::npos) allow += ", HEAD";
      }
      Response r = problem_response(405, request.method_text.empty()
                                             ? "This method is not allowed here."
                                             : request.method_text + " is not allowed on " +
                                                   request.path + "; allowed: " + allow);
      r.headers.set("Allow", allow);
      return {std::move(r), "unmatched"};
    }
    if (fallback_) {
      try {
        return {to_response(fallback_(request)), "static"};
      } catch (const std::exception& e) {
        return {problem_response(Error::internal(std::string("fallback threw: ") + e.what())),
                "static"};
      }
    }
    return {problem_response(Error::not_found("No resource at " + request.path)), "unmatched"};
  }

  request.path_params.clear();
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = best->segments[i];
    if (is_param(seg)) {
      request.path_params.emplace_back(seg.substr(1, seg.size() - 2), std::string(parts[i]));
    }
  }
  Response response;
  try {
    response = to_response(run(*best, request, 0));
  } catch (const std::exception& e) {
    response =
        problem_response(Error::internal("handler for " + best->pattern + " threw: " + e.what()));
  }
  if (omit_body) response.omit_body = true;
  return {std::move(response), best->pattern};
}

}  // namespace icrm::api
