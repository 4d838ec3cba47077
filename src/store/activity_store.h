// ActivityStore: the work a team plans and does around a lead or a customer —
// calls, e-mails, meetings, offers, tasks and nurture steps. Each activity
// belongs to exactly one lead or one customer (both or neither is invalid),
// may have an owner and a due time, and is open, done or cancelled: entering
// done or cancelled stamps completed_at, reopening clears it. Who created it
// comes from the Actor (a user, or the system such as the decision engine).
// Links (owner, lead, customer) must exist. Every change is audited in its own
// transaction ("activities" entity).
//
// list() filters: kind, status, owner_id, lead_id, customer_id (ids also
// "null"), due_at, created_at (both also _from/_to); sorts: id, due_at (no
// due time last), created_at, updated_at, kind, status (default "due_at"); q
// searches the subject; visible_to_owner applies to owner_id (a rep sees the
// activities they own and the unassigned ones).
#pragma once

#include <cstdint>
#include <functional>

#include "core/clock.h"
#include "core/result.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/list_query.h"
#include "store/records.h"

namespace icrm::store {

class SqlRunner;

class ActivityStore {
 public:
  ActivityStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Stores a new activity; draft.id, created_by_* and the timestamps are
  // ignored, except completed_at of one created done or cancelled (an
  // import of past work), which defaults to now.
  Result<Activity> create(const Actor& actor, Activity draft);
  // not_found for an unknown id.
  Result<Activity> get(int64_t id);
  // Replaces kind, subject, due time, status, owner, lead and customer of
  // activity changed.id; a status change stamps or clears completed_at.
  Result<Activity> update(const Actor& actor, Activity changed);
  // Marks the activity done, cancelled or open again.
  Result<Activity> set_status(const Actor& actor, int64_t id, ActivityStatus status);
  Status remove(const Actor& actor, int64_t id);
  Result<Page<Activity>> list(const ListQuery& query);

  // The row insert itself, inside the caller's open transaction on `r`: no
  // validation, no audit (BulkWriter's import path, which checked the row,
  // and create() share it). Returns the new id; throws what `r` throws.
  static int64_t insert_in(SqlRunner& r, const Activity& a);

 private:
  // Reads activity `id`, applies `edit` and stores the result with its audit
  // entry in one transaction.
  Result<Activity> change(const Actor& actor, int64_t id,
                          const std::function<void(Activity&)>& edit);

  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
