#include "store/login_attempt_store.h"

#include <algorithm>

#include "store/sql_support.h"

namespace icrm::store {
namespace {

using namespace std::chrono_literals;

std::string scope_name(AttemptScope scope) {
  return scope == AttemptScope::kAccountAddress ? "account_address" : "address";
}

SqlParams key_params(const AttemptKey& key) {
  return {SqlValue::of(scope_name(key.scope)), SqlValue::of(key.account),
          SqlValue::of(key.address)};
}

constexpr const char* kWhereKey = " WHERE scope = :s AND account = :a AND address = :d";

// The counter row and the text of its last_attempt_at, which the
// compare-and-set in reserve() matches exactly.
struct Row {
  AttemptCounter counter;
  std::string last_text;
};

std::optional<Row> read_row(soci::session& s, const AttemptKey& key) {
  auto rows = query_rows(
      s,
      std::string("SELECT failures, last_attempt_at, next_attempt_at FROM login_attempts") +
          kWhereKey,
      key_params(key), 3);
  if (rows.empty()) return std::nullopt;
  const SqlRow& r = rows.front();
  return Row{{static_cast<int>(cell_int(r[0])), cell_time(r[1]), cell_time(r[2])}, cell_text(r[1])};
}

}  // namespace

std::chrono::seconds Backoff::delay_after(int failures) const {
  if (failures < free_attempts) return 0s;
  const int doublings = std::min(failures - free_attempts, 30);
  return std::min(max_delay, first_delay * (int64_t{1} << doublings));
}

Result<Reservation> LoginAttemptStore::reserve(const AttemptKey& key, Timestamp now,
                                               const Backoff& backoff) {
  return with_connection(
      db_, "cannot count a sign-in attempt", [&](soci::session& s) -> Result<Reservation> {
        // Compare-and-set: read the counter, then write the next one only if
        // nobody wrote in between; a lost race reads again.
        for (int round = 0; round < kMaxReserveRounds; ++round) {
          auto row = read_row(s, key);
          int failures = 1;
          if (row) {
            if (row->counter.next_attempt_at > now) {
              auto left =
                  std::chrono::ceil<std::chrono::seconds>(row->counter.next_attempt_at - now);
              return Reservation{.retry_after = std::max(left, 1s)};
            }
            const bool forgotten = row->counter.last_attempt_at + backoff.forget_after <= now;
            failures = forgotten ? 1 : row->counter.failures + 1;
          }
          const auto delay = backoff.delay_after(failures);
          SqlParams params{SqlValue::of(int64_t{failures}), SqlValue::of(now),
                           SqlValue::of(now + delay)};
          long long written = 0;
          if (!row) {
            SqlParams insert = key_params(key);
            insert.insert(insert.end(), params.begin(), params.end());
            written = exec(s,
                           "INSERT INTO login_attempts (scope, account, address, failures, "
                           "last_attempt_at, next_attempt_at) VALUES (:s, :a, :d, :f, :l, :n) "
                           "ON CONFLICT (scope, account, address) DO NOTHING",
                           insert);
          } else {
            SqlParams update = params;
            for (auto& p : key_params(key)) update.push_back(std::move(p));
            update.push_back(SqlValue::of(int64_t{row->counter.failures}));
            update.push_back(SqlValue::of(row->last_text));
            written =
                exec(s,
                     std::string("UPDATE login_attempts SET failures = :f, last_attempt_at = :l, "
                                 "next_attempt_at = :n") +
                         kWhereKey + " AND failures = :old AND last_attempt_at = :old_at",
                     update);
          }
          if (written == 1)
            return Reservation{.granted = true, .failures = failures, .delay = delay};
        }
        return Error::unavailable("too many sign-in attempts at once for this account; try again");
      });
}

Result<std::optional<AttemptCounter>> LoginAttemptStore::get(const AttemptKey& key) {
  return with_connection(db_, "cannot read login attempts",
                         [&](soci::session& s) -> Result<std::optional<AttemptCounter>> {
                           auto row = read_row(s, key);
                           if (!row) return std::optional<AttemptCounter>();
                           return std::optional<AttemptCounter>(row->counter);
                         });
}

Status LoginAttemptStore::clear(const AttemptKey& key) {
  return with_connection(db_, "cannot clear login attempts", [&](soci::session& s) -> Status {
    exec(s, std::string("DELETE FROM login_attempts") + kWhereKey, key_params(key));
    return {};
  });
}

Status LoginAttemptStore::refund(const AttemptKey& key, const Backoff& backoff) {
  return with_connection(db_, "cannot refund a login attempt", [&](soci::session& s) -> Status {
    // Back within the free attempts, the delay the reservation set goes too.
    SqlParams params{SqlValue::of(int64_t{backoff.free_attempts})};
    for (auto& p : key_params(key)) params.push_back(std::move(p));
    exec(s,
         std::string("UPDATE login_attempts SET failures = failures - 1, next_attempt_at = CASE "
                     "WHEN failures - 1 < :free THEN last_attempt_at ELSE next_attempt_at END") +
             kWhereKey + " AND failures > 0",
         params);
    return {};
  });
}

Result<int64_t> LoginAttemptStore::remove_idle(Timestamp cutoff, Timestamp now) {
  return with_connection(
      db_, "cannot purge login attempts", [&](soci::session& s) -> Result<int64_t> {
        return static_cast<int64_t>(exec(
            s, "DELETE FROM login_attempts WHERE last_attempt_at <= :c AND next_attempt_at <= :n",
            {SqlValue::of(cutoff), SqlValue::of(now)}));
      });
}

}  // namespace icrm::store
