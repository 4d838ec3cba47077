// SecurityEvents: what happens to credentials — sign-in succeeded, failed or
// slowed down (lockout), sign-out, API keys created and revoked, passwords
// changed, sessions ended — written to two places: the audit log
// (store/audit_log.h, the record an admin reads through the API) and the
// security log, a dedicated spdlog logger (serve's --security-log file) that
// a SIEM can follow. Never a password, a token or a hash: an event carries
// ids, the account name typed, the client address and plain details.
//
// Sign-in refusals while an account is being slowed down cost no argon2 and
// can come fast, so they go to the security log only; everything else
// (bounded by the password pool's throughput or by a user's own actions)
// goes to both.
//
// A failure to write the audit row does not change the outcome of the
// action; it is reported on the security log.
//
// Thread-safety: safe to share between threads.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/clock.h"
#include "store/actor.h"
#include "store/database.h"

namespace spdlog {
class logger;
}

namespace icrm::api::auth {

struct SecurityEvent {
  std::string_view action;  // "auth.login", "auth.login_failed", "api_token.create", ...
  store::Actor actor;       // who did it (system when nobody is known)
  std::string_view entity;  // "session", "api_token", "user", "account"
  std::optional<int64_t> entity_id;
  boost::json::object details;  // address, account, counts: never a secret
  bool audited = true;          // false: security log only
  bool warning = false;         // failures and lockouts
};

class SecurityEvents {
 public:
  // A null logger logs through spdlog's default logger.
  SecurityEvents(store::Database& db, const Clock& clock, std::shared_ptr<spdlog::logger> log);

  void record(const SecurityEvent& event);

 private:
  store::Database& db_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace icrm::api::auth
