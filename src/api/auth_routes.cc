#include "api/auth_routes.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/auth/client_address.h"
#include "api/auth/credentials.h"
#include "api/auth/policy.h"
#include "api/auth_middleware.h"
#include "api/json_body.h"
#include "api/problem.h"
#include "api/resource_routes.h"

namespace icrm::api {
namespace {

using boost::json::object;

object user_json(int64_t id, const std::string& email, const std::string& name, store::Role role) {
  return object{{"id", id}, {"email", email}, {"name", name}, {"role", store::role_name(role)}};
}

object token_json(const store::ApiTokenRecord& t, Timestamp expires_at) {
  object o{{"id", t.id},
           {"name", t.name},
           {"prefix", t.prefix},
           {"created_at", format_timestamp(t.created_at)}};
  o["last_used_at"] =
      t.last_used_at ? boost::json::value(format_timestamp(*t.last_used_at)) : nullptr;
  o["revoked_at"] = t.revoked_at ? boost::json::value(format_timestamp(*t.revoked_at)) : nullptr;
  o["expires_at"] = format_timestamp(expires_at);
  return o;
}

object session_json(const store::SessionRecord& s, int64_t current) {
  return object{{"id", s.id},
                {"created_at", format_timestamp(s.created_at)},
                {"last_seen_at", format_timestamp(s.last_seen_at)},
                {"expires_at", format_timestamp(s.expires_at)},
                {"client_address", s.client_address},
                {"current", s.id == current}};
}

// The session the caller signed in with (0 for an API key).
int64_t session_of(const Caller& caller) {
  return caller.via == Caller::Via::kApiToken ? 0 : caller.credential_id;
}

Status require_session(const Caller& caller, std::string_view what) {
  if (caller.via != Caller::Via::kApiToken) return {};
  return Error::permission_denied(std::string(what) +
                                  " needs a signed-in session, not an API token");
}

store::User user_of(const Caller& caller) {
  store::User u;
  u.id = caller.user_id;
  u.email = caller.email;
  u.name = caller.name;
  u.role = caller.role;
  return u;
}

std::string address_of(const Request& request, const AuthRouteOptions& options) {
  return auth::client_address(request.remote_address, request.headers.get("X-Forwarded-For"),
                              options.trusted_proxy);
}

// 429 and 503 with their Retry-After.
Result<Response> refusal(const Error& error, std::chrono::seconds retry_after) {
  if (retry_after.count() > 0) return problem_response(error, retry_after);
  return error;
}

std::string_view via_name(Caller::Via via) {
  switch (via) {
    case Caller::Via::kCookie:
      return "session_cookie";
    case Caller::Via::kBearerSession:
      return "session_token";
    case Caller::Via::kApiToken:
      return "api_token";
  }
  return "?";
}

const char* kUserSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"email":{"type":"string"},)"
    R"("name":{"type":"string"},"role":{"enum":["admin","manager","rep","viewer"]}}})";

}  // namespace

void add_auth_routes(Router& router, std::shared_ptr<auth::Authenticator> authenticator,
                     AuthRouteOptions options) {
  router.add(
      Method::kPost, "/api/v1/auth/login",
      [authenticator, options](const Request& request) -> Result<Response> {
        if (request.headers.get("Origin")) {
          auto csrf =
              auth::check_csrf({.method = "POST",
                                .cookie_authenticated = true,
                                .requested_with = request.headers.get(auth::kCsrfHeaderName),
                                .origin = request.headers.get("Origin"),
                                .host = request.headers.get("Host")});
          if (!csrf) return csrf.error();
        }
        auto body = parse_json_body(request);
        if (!body) return body.error();
        JsonFields f(*body);
        auto email = f.string("email", Presence::kRequired, store::kMaxEmailLength);
        auto password = f.string("password", Presence::kRequired, auth::kMaxPasswordLength);
        if (auto s = f.finish(); !s) return s.error();
        auto result = authenticator->login(*email, *password, address_of(request, options));
        if (!result.ok()) return refusal(result.error, result.retry_after);
        const auto& s = *result.success;
        object out{{"token", s.session_token},
                   {"expires_at", format_timestamp(s.expires_at)},
                   {"user", user_json(s.user.id, s.user.email, s.user.name, s.user.role)}};
        Response r = Response::json(200, boost::json::serialize(out));
        r.headers.set("Set-Cookie",
                      auth::session_cookie(s.session_token, authenticator->session_lifetime(),
                                           options.secure_cookies));
        r.headers.set("Cache-Control", "no-store");
        return r;
      },
      {.summary = "Sign in with email and password",
       .tag = "auth",
       .responses = {200, 400, 401, 403, 415, 429, 503},
       .request_schema =
           R"({"type":"object","required":["email","password"],"properties":{"email":{"type":"string"},"password":{"type":"string"}},"additionalProperties":false})",
       .response_schema =
           std::string(
               R"({"type":"object","properties":{"token":{"type":"string"},"expires_at":{"type":"string"},"user":)") +
           kUserSchema + "}}"},
      Access::kPublic);

  router.add(Method::kPost, "/api/v1/auth/logout",
             [authenticator, options](const Request& request) -> Result<Response> {
               auto caller = require_caller(request);
               if (!caller) return caller.error();
               if ((*caller)->via != Caller::Via::kApiToken) {
                 std::optional<std::string> token;
                 if (auto cookie = request.headers.get("Cookie"))
                   token = auth::session_token_from_cookie(
                       *cookie, auth::session_cookie_name(options.secure_cookies));
                 if (auto header = request.headers.get("Authorization"))
                   token = auth::bearer_token(*header);
                 if (token) {
                   if (auto s = authenticator->logout(*token); !s) return s.error();
                 }
               }
               Response r = Response::text(204, "text/plain", "");
               r.headers.set("Set-Cookie", auth::expired_session_cookie(options.secure_cookies));
               return r;
             },
             {.summary = "Sign out: end this session and clear its cookie",
              .tag = "auth",
              .responses = {204, 401, 403}});

  router.add(Method::kGet, "/api/v1/me",
             [](const Request& request) -> Result<Response> {
               auto caller = require_caller(request);
               if (!caller) return caller.error();
               const Caller& c = **caller;
               object out = user_json(c.user_id, c.email, c.name, c.role);
               out["authenticated_by"] = via_name(c.via);
               return Response::json(200, boost::json::serialize(out));
             },
             {.summary = "The signed-in user",
              .tag = "auth",
              .responses = {200, 401},
              .response_schema = kUserSchema});

  router.add(
      Method::kPost, "/api/v1/tokens",
      [authenticator](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kCreate, auth::Resource::kApiToken,
                               auth::Ownership::kOwn);
            !a) {
          return a.error();
        }
        // A leaked key must not be able to outlive its revocation by minting more.
        if (auto s = require_session(**caller, "creating an API token"); !s) return s.error();
        auto body = parse_json_body(request);
        if (!body) return body.error();
        JsonFields f(*body);
        auto name = f.string("name", Presence::kRequired, auth::kMaxApiTokenNameLength);
        const int64_t max_days =
            std::chrono::floor<std::chrono::days>(authenticator->max_api_token_lifetime()).count();
        auto days = f.integer("expires_in_days", Presence::kOptional, 1, max_days);
        if (auto s = f.finish(); !s) return s.error();
        std::optional<std::chrono::seconds> lifetime;
        if (days) lifetime = std::chrono::days(*days);
        auto created = authenticator->create_api_token(user_of(**caller), *name, lifetime);
        if (!created) return created.error();
        object out = token_json(created->record, authenticator->api_token_expiry(created->record));
        out["token"] = created->token;
        Response r = Response::json(201, boost::json::serialize(out));
        r.headers.set("Cache-Control", "no-store");
        return r;
      },
      {.summary = "Create a named API key, expiring after expires_in_days (default and largest "
                  "allowed are server settings); the key is in this response only. Needs a "
                  "session: an API key cannot create keys",
       .tag = "auth",
       .responses = {201, 400, 401, 403, 413, 415},
       .request_schema =
           R"({"type":"object","required":["name"],"properties":{"name":{"type":"string"},)"
           R"("expires_in_days":{"type":"integer","minimum":1}},"additionalProperties":false})"});

  router.add(
      Method::kGet, "/api/v1/tokens",
      [authenticator](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        auto tokens = authenticator->list_api_tokens((*caller)->user_id);
        if (!tokens) return tokens.error();
        boost::json::array items;
        for (const auto& t : *tokens)
          items.push_back(token_json(t, authenticator->api_token_expiry(t)));
        return Response::json(200, boost::json::serialize(object{{"items", std::move(items)}}));
      },
      {.summary = "The caller's API keys, newest first, revoked ones included",
       .tag = "auth",
       .responses = {200, 401}});

  router.add(Method::kDelete, "/api/v1/tokens/{id}",
             [authenticator](const Request& request) -> Result<Response> {
               auto caller = require_caller(request);
               if (!caller) return caller.error();
               auto text = request.path_param("id").value_or("");
               int64_t id = 0;
               auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
               if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
                 return Error::invalid("id must be a positive integer", "id");
               }
               if (auto s = authenticator->revoke_api_token(user_of(**caller), id); !s)
                 return s.error();
               return Response::text(204, "text/plain", "");
             },
             {.summary = "Revoke an API key (its owner, or an admin)",
              .tag = "auth",
              .responses = {204, 400, 401, 403, 404}});

  router.add(
      Method::kGet, "/api/v1/me/sessions",
      [authenticator](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        auto sessions = authenticator->list_sessions((*caller)->user_id);
        if (!sessions) return sessions.error();
        boost::json::array items;
        for (const auto& s : *sessions) items.push_back(session_json(s, session_of(**caller)));
        return Response::json(200, boost::json::serialize(object{{"items", std::move(items)}}));
      },
      {.summary = "The caller's signed-in sessions, newest first; `current` marks the "
                  "one this request came with",
       .tag = "auth",
       .responses = {200, 401}});

  router.add(Method::kDelete, "/api/v1/me/sessions",
             [authenticator](const Request& request) -> Result<Response> {
               auto caller = require_caller(request);
               if (!caller) return caller.error();
               auto ended =
                   authenticator->end_other_sessions((*caller)->user_id, session_of(**caller));
               if (!ended) return ended.error();
               return Response::json(200, boost::json::serialize(object{{"ended", *ended}}));
             },
             {.summary = "Sign out everywhere else: end every session of the caller's but the "
                         "one this request came with",
              .tag = "auth",
              .responses = {200, 401}});

  router.add(Method::kDelete, "/api/v1/me/sessions/{id}",
             [authenticator](const Request& request) -> Result<Response> {
               auto caller = require_caller(request);
               if (!caller) return caller.error();
               auto id = id_param(request);
               if (!id) return id.error();
               if (auto s = authenticator->end_session((*caller)->user_id, *id); !s)
                 return s.error();
               return Response::text(204, "text/plain", "");
             },
             {.summary = "End one of the caller's sessions",
              .tag = "auth",
              .responses = {204, 400, 401, 404}});

  router.add(
      Method::kPost, "/api/v1/me/password",
      [authenticator, options](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto s = require_session(**caller, "changing the password"); !s) return s.error();
        auto body = parse_json_body(request);
        if (!body) return body.error();
        JsonFields f(*body);
        auto current = f.string("current_password", Presence::kRequired, auth::kMaxPasswordLength);
        auto next = f.string("new_password", Presence::kRequired, auth::kMaxPasswordLength);
        if (auto s = f.finish(); !s) return s.error();
        auto changed = authenticator->change_password(
            user_of(**caller), session_of(**caller), *current, *next, address_of(request, options));
        if (!changed.ok()) return refusal(changed.error, changed.retry_after);
        return Response::json(
            200, boost::json::serialize(object{{"sessions_ended", changed.sessions_ended},
                                               {"tokens_revoked", changed.tokens_revoked}}));
      },
      {.summary = "Change the caller's password (the current one is required, and counted "
                  "like a sign-in); every other session ends and every API key is revoked. "
                  "Needs a session",
       .tag = "auth",
       .responses = {200, 400, 401, 403, 413, 415, 429, 503},
       .request_schema =
           R"({"type":"object","required":["current_password","new_password"],"properties":{)"
           R"("current_password":{"type":"string"},"new_password":{"type":"string"}},)"
           R"("additionalProperties":false})"});
}

}  // namespace icrm::api
