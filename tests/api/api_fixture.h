// ApiTest: the whole API router (build_api_router) on a fresh database of
// either engine, without a socket, with one signed-in user per role. Each
// role calls with its own API key (Bearer), as a script would, or, after
// use_credential(Credential::kCookie), with its browser session: the session
// cookie and the CSRF header the dashboard sends. `as` picks who calls,
// Principal::kNone sends no credential.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/api_router.h"
#include "api/auth/authenticator.h"
#include "app/event_ingestor.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "tests/support/test_database.h"

namespace icrm::testing {

// Who sends a request: a user of each role, nobody, or a dead credential.
enum class Principal { kAdmin, kManager, kRep, kViewer, kNone, kExpiredSession, kRevokedToken };
inline constexpr Principal kAllPrincipals[] = {
    Principal::kAdmin, Principal::kManager,        Principal::kRep,         Principal::kViewer,
    Principal::kNone,  Principal::kExpiredSession, Principal::kRevokedToken};
const char* principal_name(Principal p);

// How a signed-in principal proves who it is.
enum class Credential { kBearer, kCookie };
inline constexpr Credential kAllCredentials[] = {Credential::kBearer, Credential::kCookie};
const char* credential_name(Credential c);

class ApiTest : public StoreTest {
 protected:
  void SetUp() override;
  // Stops the router and the stream before the database goes.
  void TearDown() override;

  api::Response call(Principal as, api::Method method, const std::string& target,
                     const std::string& body = "",
                     std::vector<std::pair<std::string, std::string>> headers = {});
  api::Response get(Principal as, const std::string& target) {
    return call(as, api::Method::kGet, target);
  }
  api::Response post(Principal as, const std::string& target, const std::string& body) {
    return call(as, api::Method::kPost, target, body);
  }
  api::Response patch(Principal as, const std::string& target, const std::string& body) {
    return call(as, api::Method::kPatch, target, body);
  }
  api::Response del(Principal as, const std::string& target) {
    return call(as, api::Method::kDelete, target);
  }
  // POSTs as admin and returns the new record's id (fails the test otherwise).
  int64_t create(const std::string& collection, const std::string& body,
                 Principal as = Principal::kAdmin);

  // Adds `as`'s credential (credential()) to a request: what call() sends.
  void authenticate(api::Request& r, Principal as) const;
  // Which credential call() sends from now on (kBearer at first).
  void use_credential(Credential c) { credential_ = c; }
  Credential credential() const { return credential_; }
  // Signs `p` in again (a new browser session), e.g. after a call signed it out.
  void renew_session(Principal p);

  int64_t user_id(Principal p) const { return user_ids_.at(p); }
  const std::string& token(Principal p) const { return tokens_.at(p); }
  api::Router& router() { return *router_; }
  ManualClock& clock() { return clock_; }
  app::EventIngestor& events() { return *events_; }
  EventBus& bus() { return bus_; }
  api::SseHub& live() { return *live_; }

  static boost::json::object json(const api::Response& r) {
    return boost::json::parse(r.body).as_object();
  }
  // The fields a problem+json's errors name, in order.
  static std::vector<std::string> error_fields(const boost::json::object& problem) {
    std::vector<std::string> out;
    for (const auto& e : problem.at("errors").as_array()) {
      out.emplace_back(e.as_object().at("field").as_string());
    }
    return out;
  }

 private:
  ManualClock clock_{std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} +
                     std::chrono::hours(9)};
  api::Metrics metrics_;
  EventBus bus_;
  std::unique_ptr<app::EventIngestor> events_;  // before router_: outlives it
  std::unique_ptr<api::SseHub> live_;           // GET /api/v1/stream
  std::unique_ptr<api::Router> router_;
  std::map<Principal, int64_t> user_ids_;
  std::map<Principal, std::string> tokens_;    // API keys (Bearer)
  std::map<Principal, std::string> sessions_;  // session tokens (the cookie)
  Credential credential_ = Credential::kBearer;
  api::auth::AuthConfig auth_config_;
};

}  // namespace icrm::testing
