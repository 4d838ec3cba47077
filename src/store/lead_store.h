// LeadStore: prospects on their way to becoming customers. A lead's status
// moves only along the legal transitions
//   new -> contacted -> qualified -> converted
//          contacted -> lost,  qualified -> lost
// (anything else is a conflict naming from and to); each move stamps the
// matching *_at time, appends a lead_status_changes row and an audit entry in
// one transaction. Converting links a customer: the one given, else the
// customer with the lead's e-mail, else a new customer made from the lead.
// external_id is unique among leads; e-mail is not (one person may enquire
// twice) but is validated.
//
// list() filters: status, owner_id, source, company, email, customer_id,
// external_id, created_at (_from/_to); sorts: id, name, company, status,
// expected_value_minor, created_at, updated_at (default "-created_at"); q
// searches name, e-mail and company; visible_to_owner applies to owner_id.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/list_query.h"
#include "store/records.h"

namespace icrm::store {

// Whether a lead may move from `from` to `to`.
bool is_legal_transition(LeadStatus from, LeadStatus to);

class LeadStore {
 public:
  LeadStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Stores a new lead; draft.id, customer_id and the timestamps are ignored
  // except the *_at times of a historic lead (an import), which are kept.
  // Its status is normally new; another starting status is accepted (an
  // import of older leads) and its *_at time defaults to now, except
  // converted, which is refused: create the lead, then convert() it.
  Result<Lead> create(const Actor& actor, Lead draft);
  Result<Lead> get(int64_t id);
  Result<Lead> find_by_external_id(std::string_view external_id);
  // Replaces the editable fields (name, email, company, source, owner,
  // expected value, currency, attributes, external_id). A different status
  // is applied in the same transaction as transition() would, or as
  // convert(changed.customer_id) for converted.
  Result<Lead> update(const Actor& actor, Lead changed);
  // Moves the lead to `to`; converted goes through convert().
  Result<Lead> transition(const Actor& actor, int64_t id, LeadStatus to);
  // Marks a qualified lead converted and links its customer (see above).
  Result<Lead> convert(const Actor& actor, int64_t id,
                       std::optional<int64_t> customer_id = std::nullopt);
  Status remove(const Actor& actor, int64_t id);
  // The lead's status changes, oldest first.
  Result<std::vector<LeadStatusChange>> history(int64_t id);
  Result<Page<Lead>> list(const ListQuery& query);
  // What list() accepts, for documentation.
  static ListCapabilities list_capabilities();

 private:
  Result<Lead> move(const Actor& actor, int64_t id, LeadStatus to,
                    std::optional<int64_t> customer_id, std::string_view action);

  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
