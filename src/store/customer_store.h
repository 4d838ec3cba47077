// CustomerStore: the customers a team sells to. Enforces: a name; e-mail
// unique ignoring case and external_id unique (a duplicate is a conflict
// naming the existing customer's id); text within its limits; flat custom
// attributes; an owner that exists. Every change is audited in its own
// transaction ("customers" entity).
//
// list() filters: status, owner_id, country, company, email, external_id,
// created_at (_from/_to); sorts: id, name, email, company, country, status,
// created_at, updated_at, rank (of the latest churn score, 1 = most at risk;
// unscored last) (default "-created_at"); q searches name, e-mail and
// company; visible_to_owner applies to owner_id.
#pragma once

#include <cstdint>
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

class CustomerStore {
 public:
  CustomerStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Stores a new customer; draft.id and the timestamps are ignored.
  Result<Customer> create(const Actor& actor, Customer draft);
  // not_found for an unknown id.
  Result<Customer> get(int64_t id);
  Result<Customer> find_by_email(std::string_view email);
  Result<Customer> find_by_external_id(std::string_view external_id);
  // Replaces the editable fields of customer `changed.id` (everything but the
  // id and timestamps). To patch, get() then change fields then update().
  Result<Customer> update(const Actor& actor, Customer changed);
  // Deletes a customer; a conflict while leads or sales still refer to it.
  Status remove(const Actor& actor, int64_t id);
  Result<Page<Customer>> list(const ListQuery& query);
  // What list() accepts, for documentation.
  static ListCapabilities list_capabilities();

  // create() inside the caller's open transaction on `s` (a lead being
  // converted creates its customer this way). Validation errors are values;
  // database failures throw soci::soci_error.
  static Result<Customer> create_in(soci::session& s, const Actor& actor, Timestamp now,
                                    Customer draft);
  // The customer with this e-mail (any case), if any, inside a transaction.
  static std::optional<Customer> find_by_email_in(soci::session& s, std::string_view email);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
