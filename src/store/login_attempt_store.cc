#include "store/login_attempt_store.h"

#include <soci/soci.h>

namespace icrm::store {
namespace {

std::string scope_name(AttemptScope scope) {
  return scope == AttemptScope::kAccount ? "account" : "address";
}

Error store_error(const char* what, const std::exception& e) {
  return Error::unavailable(std::string(what) + ": " + e.what());
}

Result<AttemptCounter> to_counter(int failures, const std::string& started) {
  auto t = parse_timestamp(started);
  if (!t) return Error::internal("login_attempts holds a bad timestamp: " + started);
  return AttemptCounter{failures, *t};
}

}  // namespace

Result<std::optional<AttemptCounter>> LoginAttemptStore::get(AttemptScope scope,
                                                             const std::string& subject) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string s = scope_name(scope), started;
    int failures = 0;
    **lease << "SELECT failures, window_started_at FROM login_attempts "
               "WHERE scope = :s AND subject = :k",
        soci::use(s), soci::use(subject), soci::into(failures), soci::into(started);
    if (!(*lease)->got_data()) return std::optional<AttemptCounter>();
    auto c = to_counter(failures, started);
    if (!c) return c.error();
    return std::optional<AttemptCounter>(*c);
  } catch (const std::exception& e) {
    return store_error("cannot read login attempts", e);
  }
}

Result<AttemptCounter> LoginAttemptStore::record_failure(AttemptScope scope,
                                                         const std::string& subject, Timestamp now,
                                                         std::chrono::seconds window) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string s = scope_name(scope);
    std::string at = format_timestamp(now);
    std::string cutoff = format_timestamp(now - window);
    std::string at2 = at, cutoff2 = cutoff;
    int failures = 0;
    std::string started;
    // One statement, so concurrent failures from several instances all count.
    // Both SET expressions read the row as it was before the update.
    **lease << "INSERT INTO login_attempts (scope, subject, failures, window_started_at) "
               "VALUES (:s, :k, 1, :now) "
               "ON CONFLICT (scope, subject) DO UPDATE SET "
               "failures = CASE WHEN login_attempts.window_started_at <= :cutoff THEN 1 "
               "ELSE login_attempts.failures + 1 END, "
               "window_started_at = CASE WHEN login_attempts.window_started_at <= :cutoff2 "
               "THEN :now2 ELSE login_attempts.window_started_at END "
               "RETURNING failures, window_started_at",
        soci::use(s), soci::use(subject), soci::use(at), soci::use(cutoff), soci::use(cutoff2),
        soci::use(at2), soci::into(failures), soci::into(started);
    return to_counter(failures, started);
  } catch (const std::exception& e) {
    return store_error("cannot record a failed login", e);
  }
}

Status LoginAttemptStore::clear(AttemptScope scope, const std::string& subject) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string s = scope_name(scope);
    **lease << "DELETE FROM login_attempts WHERE scope = :s AND subject = :k", soci::use(s),
        soci::use(subject);
  } catch (const std::exception& e) {
    return store_error("cannot clear login attempts", e);
  }
  return {};
}

Result<int64_t> LoginAttemptStore::remove_older_than(Timestamp cutoff) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string at = format_timestamp(cutoff);
    soci::statement st = ((**lease).prepare << "DELETE FROM login_attempts WHERE "
                                               "window_started_at <= :c",
                          soci::use(at));
    st.execute(true);
    return static_cast<int64_t>(st.get_affected_rows());
  } catch (const std::exception& e) {
    return store_error("cannot purge login attempts", e);
  }
}

}  // namespace icrm::store
