// AuditLog: the append-only record of who changed what. Every repository
// appends to it inside the transaction of the change itself (append_in), so
// a change and its audit row are stored together or not at all.
//
// list() filters: entity, entity_id, user_id, action, at (and at_from,
// at_to); sorts: id, at; default newest first ("-id").
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/list_query.h"
#include "store/records.h"

namespace soci {
class session;
}

namespace icrm::store {

inline constexpr size_t kMaxAuditActionLength = 64;
inline constexpr size_t kMaxAuditEntityLength = 64;

class AuditLog {
 public:
  AuditLog(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Appends one entry in its own transaction (for events that change no
  // record, such as a sign-in or an export). Returns the entry's id.
  Result<int64_t> append(const Actor& actor, std::string_view action, std::string_view entity,
                         std::optional<int64_t> entity_id, const boost::json::value& before,
                         const boost::json::value& after);

  // An export (action "export"): who took how many records of `entity`, and
  // what the export was (`details`: format, filters, destination), never the
  // records themselves. `records` goes into the entry's "after" as "records".
  Result<int64_t> append_export(const Actor& actor, std::string_view entity, int64_t records,
                                boost::json::object details);

  // Appends inside the caller's open transaction on `s`. Throws
  // soci::soci_error like any statement in that transaction.
  static void append_in(soci::session& s, const Actor& actor, Timestamp at, std::string_view action,
                        std::string_view entity, std::optional<int64_t> entity_id,
                        const boost::json::value& before, const boost::json::value& after);

  Result<Page<AuditEntry>> list(const ListQuery& query);
  // What list() accepts, for documentation.
  static ListCapabilities list_capabilities();

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
