#include "api/auth_routes.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/auth/credentials.h"
#include "api/auth/policy.h"
#include "api/auth_middleware.h"
#include "api/json_body.h"
#include "api/problem.h"

namespace icrm::api {
namespace {

using boost::json::object;

object user_json(int64_t id, const std::string& email, const std::string& name, store::Role role) {
  return object{{"id", id}, {"email", email}, {"name", name}, {"role", store::role_name(role)}};
}

object token_json(const store::ApiTokenRecord& t) {
  object o{{"id", t.id},
           {"name", t.name},
           {"prefix", t.prefix},
           {"created_at", format_timestamp(t.created_at)}};
  o["last_used_at"] =
      t.last_used_at ? boost::json::value(format_timestamp(*t.last_used_at)) : nullptr;
  o["revoked_at"] = t.revoked_at ? boost::json::value(format_timestamp(*t.revoked_at)) : nullptr;
  return o;
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
        auto result = authenticator->login(*email, *password, request.remote_address);
        if (!result.ok()) {
          if (result.error.code == ErrorCode::kRateLimited) {
            return problem_response(result.error, result.retry_after);
          }
          return result.error;
        }
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
       .responses = {200, 400, 401, 403, 415, 429},
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
                   token = auth::session_token_from_cookie(*cookie);
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
        auto body = parse_json_body(request);
        if (!body) return body.error();
        JsonFields f(*body);
        auto name = f.string("name", Presence::kRequired, auth::kMaxApiTokenNameLength);
        if (auto s = f.finish(); !s) return s.error();
        store::User owner;
        owner.id = (*caller)->user_id;
        owner.role = (*caller)->role;
        auto created = authenticator->create_api_token(owner, *name);
        if (!created) return created.error();
        object out = token_json(created->record);
        out["token"] = created->token;
        Response r = Response::json(201, boost::json::serialize(out));
        r.headers.set("Cache-Control", "no-store");
        return r;
      },
      {.summary = "Create a named API key; the key is in this response only",
       .tag = "auth",
       .responses = {201, 400, 401, 403, 413, 415},
       .request_schema =
           R"({"type":"object","required":["name"],"properties":{"name":{"type":"string"}},"additionalProperties":false})"});

  router.add(
      Method::kGet, "/api/v1/tokens",
      [authenticator](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        auto tokens = authenticator->list_api_tokens((*caller)->user_id);
        if (!tokens) return tokens.error();
        boost::json::array items;
        for (const auto& t : *tokens) items.push_back(token_json(t));
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
               store::User who;
               who.id = (*caller)->user_id;
               who.role = (*caller)->role;
               if (auto s = authenticator->revoke_api_token(who, id); !s) return s.error();
               return Response::text(204, "text/plain", "");
             },
             {.summary = "Revoke an API key (its owner, or an admin)",
              .tag = "auth",
              .responses = {204, 400, 401, 403, 404}});
}

}  // namespace icrm::api
